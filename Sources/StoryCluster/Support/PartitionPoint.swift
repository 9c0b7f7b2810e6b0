/// The first index of `range` whose element is not `isBelow`, for a predicate that holds on a prefix of the range
/// and not after it (a lower bound in a sorted list): one binary search for every sorted lookup of the engine.
@inline(__always)
func partitionPoint(_ range: Range<Int>, _ isBelow: (Int) -> Bool) -> Int {
    var lo = range.lowerBound, hi = range.upperBound
    while lo < hi { let mid = (lo + hi) / 2; if isBelow(mid) { lo = mid + 1 } else { hi = mid } }
    return lo
}
