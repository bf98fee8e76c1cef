// Non-variadic wrappers around libedit's el_set/el_get/history, which Swift cannot call directly.
#ifndef CRM_LIBEDIT_SHIM_H
#define CRM_LIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>
#include <wchar.h>

typedef wchar_t *(*crm_wprompt_fn)(EditLine *);
typedef unsigned char (*crm_key_fn)(EditLine *, int);

static inline FILE *crm_stdin(void) { return stdin; }
static inline FILE *crm_stdout(void) { return stdout; }
static inline FILE *crm_stderr(void) { return stderr; }

static inline int crm_el_wset_prompt(EditLine *el, crm_wprompt_fn fn) { return el_wset(el, EL_PROMPT, fn); }
static inline int crm_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int crm_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int crm_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *crm_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int crm_el_addfn(EditLine *el, const char *name, const char *help, crm_key_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int crm_el_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, NULL);
}
static inline int crm_el_setty(EditLine *el, const char *a, const char *b) {
    return el_set(el, EL_SETTY, a, b, NULL);
}

static inline int crm_history_setsize(History *h, HistEvent *ev, int size) { return history(h, ev, H_SETSIZE, size); }
static inline int crm_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int crm_history_enter(History *h, HistEvent *ev, const char *line) { return history(h, ev, H_ENTER, line); }
static inline int crm_history_save_fp(History *h, HistEvent *ev, FILE *file) { return history(h, ev, H_SAVE_FP, file); }
static inline int crm_history_load(History *h, HistEvent *ev, const char *path) { return history(h, ev, H_LOAD, path); }

#endif
