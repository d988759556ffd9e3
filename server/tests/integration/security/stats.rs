//! The statistics of the timing tests: is one kind of request answered
//! measurably slower or faster than another?
//!
//! The Mann–Whitney U test compares ranks, not means, so a few answers
//! delayed by a busy machine (other tests, the delivery worker, a compile
//! on a 2-core CI runner) cannot decide the outcome; the samples of the two
//! kinds are taken in one shuffled sequence, so a slow spell hits both
//! kinds alike. A difference counts only when it is both significant
//! (p < [`P_THRESHOLD`]) and large enough to matter (the Hodges–Lehmann
//! shift, the median of all pairwise differences, at least [`MIN_SHIFT_MS`]).

/// Below this two-sided p-value the kinds are told apart (1 in 10,000 by chance).
pub const P_THRESHOLD: f64 = 1e-4;
/// A shift smaller than this is noise, however consistent (the timer's resolution).
pub const MIN_SHIFT_MS: f64 = 1.0;

#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// Two-sided p-value of the Mann–Whitney U test (normal approximation,
    /// tie and continuity corrections).
    pub p: f64,
    /// Median of `a[i] - b[j]` over all pairs (Hodges–Lehmann), in ms.
    pub shift_ms: f64,
    pub median_a_ms: f64,
    pub median_b_ms: f64,
}

impl Comparison {
    /// Whether an observer could tell the two kinds apart by their timing.
    pub fn distinguishable(&self) -> bool {
        self.p < P_THRESHOLD && self.shift_ms.abs() >= MIN_SHIFT_MS
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

/// Complementary error function (Numerical Recipes' `erfcc`, |error| < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07 + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

pub fn compare(a: &[f64], b: &[f64]) -> Comparison {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    let mut all: Vec<(f64, bool)> = a.iter().map(|&v| (v, true)).chain(b.iter().map(|&v| (v, false))).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Average ranks for ties; the tie correction of the variance.
    let (mut rank_sum_a, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        let group = (j - i + 1) as f64;
        ties += group * group * group - group;
        rank_sum_a += all[i..=j].iter().filter(|(_, in_a)| *in_a).count() as f64 * rank;
        i = j + 1;
    }
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let mean = n1 * n2 / 2.0;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    let p = if variance <= 0.0 {
        1.0
    } else {
        let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
        erfc(z / std::f64::consts::SQRT_2).min(1.0)
    };
    let mut differences: Vec<f64> = a.iter().flat_map(|x| b.iter().map(move |y| x - y)).collect();
    Comparison { p, shift_ms: median(&mut differences), median_a_ms: median(&mut a.to_vec()), median_b_ms: median(&mut b.to_vec()) }
}

/// A random order of `n` samples of kind A (`true`) and `n` of kind B.
pub fn shuffled_kinds(n: usize) -> Vec<bool> {
    let mut kinds: Vec<bool> = (0..2 * n).map(|i| i < n).collect();
    for i in (1..kinds.len()).rev() {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).unwrap();
        let j = (u64::from_le_bytes(bytes) % (i as u64 + 1)) as usize;
        kinds.swap(i, j);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_tells_a_real_shift_from_noise() {
        // Deterministic "noise": the same spread in both kinds.
        let noise = |i: usize| ((i * 7919) % 23) as f64 * 0.4;
        let a: Vec<f64> = (0..30).map(|i| 300.0 + noise(i)).collect();
        let b: Vec<f64> = (0..30).map(|i| 300.0 + noise(i + 11)).collect();
        let same = compare(&a, &b);
        assert!(!same.distinguishable() && same.p > 0.05, "{same:?}");
        let slower: Vec<f64> = b.iter().map(|v| v + 5.0).collect();
        let shifted = compare(&slower, &a);
        assert!(shifted.distinguishable(), "{shifted:?}");
        assert!((shifted.shift_ms - 5.0).abs() < 2.0, "{shifted:?}");
        // A few huge outliers in one kind do not make it "slower".
        let mut spiky = a.clone();
        spiky[3] += 500.0;
        spiky[17] += 900.0;
        assert!(!compare(&spiky, &b).distinguishable());
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-6);
        assert!((erfc(1.0) - 0.157_299_2).abs() < 1e-6);
        assert!((erfc(-1.0) - 1.842_700_8).abs() < 1e-6);
        assert!((erfc(3.0) - 2.209_05e-5).abs() < 1e-8);
    }
}
