import CRMDomain
/// A set of small positive integers as a bitmap: O(1) insert and remove, ascending iteration, and
/// word-at-a-time intersection, counting and skipping. The in-memory store's index type.
///
/// Invariants: members are non-negative (a negative value traps in `insert`: the store inserts only IDs it gave
/// out); `count` always equals the number of set bits; the words grow to hold the largest member ever inserted and
/// never shrink, so memory is one bit per possible ID (a million tickets: 125 KB per set). `remove` of a value past
/// the end does nothing.
struct IDSet: Sendable {
    private var words: [UInt64] = []
    private(set) var count = 0

    mutating func insert(_ value: Int) {
        let (word, bit) = value.quotientAndRemainder(dividingBy: 64)
        if word >= self.words.count {
            self.words.append(contentsOf: repeatElement(0, count: word - self.words.count + 1))
        }
        let mask: UInt64 = 1 << UInt64(bit)
        if self.words[word] & mask == 0 {
            self.words[word] |= mask
            self.count += 1
        }
    }

    mutating func remove(_ value: Int) {
        let (word, bit) = value.quotientAndRemainder(dividingBy: 64)
        guard word < self.words.count else { return }
        let mask: UInt64 = 1 << UInt64(bit)
        if self.words[word] & mask != 0 {
            self.words[word] &= ~mask
            self.count -= 1
        }
    }

    /// The members of all `sets` at once.
    static func intersection(_ sets: [IDSet]) -> IDSet {
        guard var result = sets.min(by: { $0.words.count < $1.words.count }) else { return IDSet() }
        for set in sets {
            for index in result.words.indices {
                result.words[index] &= set.words[index]
            }
        }
        result.count = result.words.reduce(0) { $0 + $1.nonzeroBitCount }
        return result
    }

    /// Up to `limit` members in ascending order after skipping the first `offset`.
    func members(offset: Int, limit: Int) -> [Int] {
        var toSkip = offset
        var result: [Int] = []
        result.reserveCapacity(min(limit, self.count))
        for (index, original) in self.words.enumerated() where original != 0 {
            if toSkip >= original.nonzeroBitCount {
                toSkip -= original.nonzeroBitCount
                continue
            }
            var word = original
            while word != 0 {
                let bit = word.trailingZeroBitCount
                word &= word - 1
                if toSkip > 0 {
                    toSkip -= 1
                    continue
                }
                result.append(index * 64 + bit)
                if result.count == limit { return result }
            }
        }
        return result
    }

    /// Every member in ascending order.
    func forEach(_ body: (Int) -> Void) {
        for (index, original) in self.words.enumerated() where original != 0 {
            var word = original
            while word != 0 {
                body(index * 64 + word.trailingZeroBitCount)
                word &= word - 1
            }
        }
    }
}
