/// numpy's legacy global generator (`np.random.seed(s)`, `np.random.permutation(n)`), which fastai v1's
/// `split_by_rand_pct` draws from: MT19937 seeded with `init_genrand(s)` (numpy's `mt19937_seed` for an
/// integer seed), and the shuffle from the last position down, each swap partner drawn by `random_interval`
/// (32-bit draws masked to the smallest all-ones mask ≥ the bound, rejected until ≤ it).
public struct NumpyRandomState: Sendable {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    /// `np.random.seed(seed)` for an integer seed (0 ... 2³² − 1).
    public init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 { state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i) }
    }

    /// The next 32-bit output of MT19937.
    public mutating func nextUInt32() -> UInt32 {
        if position >= 624 { twist() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 1 ? 0x9908_B0DF : 0)
        }
        position = 0
    }

    /// numpy's `random_interval(max)`: uniform in `0...max` by masked rejection.
    public mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        for shift in [1, 2, 4, 8, 16] as [UInt32] { mask |= mask >> shift }
        while true {
            let value = nextUInt32() & mask
            if value <= max { return value }
        }
    }

    /// `np.random.permutation(n)`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var a = Array(0..<max(n, 0))
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, Int(interval(UInt32(i)))) }
        }
        return a
    }
}
