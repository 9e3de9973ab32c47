import Foundation

/// A seeded, deterministic random generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same numbers on every machine; it does not reproduce PyTorch's
/// Mersenne-Twister/Philox streams, only their distributions and formulas.
public struct RandomGenerator: Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// A generator whose whole future is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Marsaglia's polar method: no trigonometry, one log per pair; the second
    /// value of each pair is kept for the next call).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        while true {
            let u = 2 * nextUniform() - 1, v = 2 * nextUniform() - 1
            let s = u * u + v * v
            guard s > 0 && s < 1 else { continue }
            let factor = (-2 * log(s) / s).squareRoot()
            spareNormal = v * factor
            return u * factor
        }
    }
}

extension Tensor {
    /// `torch.empty(shape).uniform_(low, high)`.
    public static func uniform(_ shape: [Int], low: Float, high: Float, generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        let span = Double(high - low)
        t.storage.withUnsafeMutableBufferPointer { out in
            for i in out.indices { out[i] = low + Float(generator.nextUniform() * span) }
        }
        return t
    }

    /// `torch.empty(shape).normal_(mean, std)`.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, generator: inout RandomGenerator)
        -> Tensor
    {
        var t = Tensor.zeros(shape)
        t.storage.withUnsafeMutableBufferPointer { out in
            for i in out.indices { out[i] = mean + std * Float(generator.nextNormal()) }
        }
        return t
    }
}
