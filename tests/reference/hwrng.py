"""tests/reference/hwrng.py - a Python port of hwnas's RNG (src/stats/rng.c):
xoshiro256** seeded by splitmix64, with the same uniform, normal (Box-Muller,
cos branch), below (unbiased) and partial Fisher-Yates shuffle. Python's math
calls the same C libm as hwnas, so the doubles are bit-identical."""
import math

M64 = (1 << 64) - 1


def _splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    z = x
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return x, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, seed, stream):
        x = (seed ^ ((stream * 0xD1342543DE82EF95) & M64)) & M64
        self.s = []
        for _ in range(4):
            x, z = _splitmix64(x)
            self.s.append(z)

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (_rotl((s1 * 5) & M64, 7) * 9) & M64
        t = (s1 << 17) & M64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = _rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def below(self, bound):
        if bound == 0:
            return 0
        limit = ((1 << 64) - bound) % bound
        while True:
            x = self.next()
            if x >= limit:
                return x % bound

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def partial_shuffle(self, idx, k):
        n = len(idx)
        for i in range(min(k, n)):
            j = i + self.below(n - i)
            idx[i], idx[j] = idx[j], idx[i]


def self_test():
    """The published splitmix64 / xoshiro256** vectors of tests/unit/test_rng.c."""
    r = Rng(1234567, 0)
    assert r.s == [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431]
    assert [r.next() for _ in range(3)] == [0x30A3A1C363600467, 0x19405F0F579929CA, 0x115BEAAC046DDBD9]


if __name__ == "__main__":
    self_test()
    print("hwrng ok")
