import CRMShell

// The `crm` executable: everything it does lives in the CRMShell library, so tests and fuzzers can link it.
await CRM.launch()
