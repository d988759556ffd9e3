//! The statistics of the timing tests: is one kind of request answered
//! measurably slower or faster than another?
//!
//! Samples come in pairs, one of each kind back to back in a random order,
//! so both members of a pair meet the same load (other tests, the delivery
//! worker, a compile on a shared 2-core runner): what varies over the run
//! cancels out in the pair's difference. The differences are compared with
//! the Wilcoxon signed-rank test, which looks at ranks, so a few answers
//! delayed by a busy machine cannot decide the outcome. A difference counts
//! only when it is both significant (p below the test's threshold) and
//! large enough to matter (the Hodges–Lehmann shift, the median of the
//! pairwise averages of the differences, at least [`MIN_SHIFT_MS`]).
/// A shift smaller than this is noise, however consistent (the timer's resolution).
pub const MIN_SHIFT_MS: f64 = 1.0;

#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// Two-sided p-value of the signed-rank test (normal approximation,
    /// tie and continuity corrections).
    pub p: f64,
    /// How much later kind A answers than kind B (Hodges–Lehmann), in ms.
    pub shift_ms: f64,
    pub median_a_ms: f64,
    pub median_b_ms: f64,
}

impl Comparison {
    /// Whether an observer could tell the two kinds apart by their timing,
    /// at the significance `p_threshold`.
    pub fn distinguishable(&self, p_threshold: f64) -> bool {
        self.p < p_threshold && self.shift_ms.abs() >= MIN_SHIFT_MS
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
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

/// Compares pairs `(a, b)` of times in ms taken back to back.
pub fn compare(pairs: &[(f64, f64)]) -> Comparison {
    let differences: Vec<f64> = pairs.iter().map(|(a, b)| a - b).collect();
    let mut nonzero: Vec<f64> = differences.iter().copied().filter(|d| *d != 0.0).collect();
    nonzero.sort_by(|x, y| x.abs().total_cmp(&y.abs()));
    let n = nonzero.len() as f64;
    // Ranks of |d| (average ranks for ties), the sum over positive d, and
    // the tie correction of the variance.
    let (mut positive, mut ties) = (0.0, 0.0);
    let mut i = 0;
    while i < nonzero.len() {
        let mut j = i;
        while j + 1 < nonzero.len() && nonzero[j + 1].abs() == nonzero[i].abs() {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        let group = (j - i + 1) as f64;
        ties += group * group * group - group;
        positive += nonzero[i..=j].iter().filter(|d| **d > 0.0).count() as f64 * rank;
        i = j + 1;
    }
    let mean = n * (n + 1.0) / 4.0;
    let variance = n * (n + 1.0) * (2.0 * n + 1.0) / 24.0 - ties / 48.0;
    let p = if variance <= 0.0 {
        1.0
    } else {
        let z = ((positive - mean).abs() - 0.5).max(0.0) / variance.sqrt();
        erfc(z / std::f64::consts::SQRT_2).min(1.0)
    };
    let mut walsh: Vec<f64> =
        (0..differences.len()).flat_map(|i| (i..differences.len()).map(move |j| (i, j))).map(|(i, j)| (differences[i] + differences[j]) / 2.0).collect();
    let mut a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let mut b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    Comparison { p, shift_ms: median(&mut walsh), median_a_ms: median(&mut a), median_b_ms: median(&mut b) }
}

/// A fair coin, for the order within a pair.
pub fn coin() -> bool {
    let mut byte = [0u8; 1];
    getrandom::fill(&mut byte).unwrap();
    byte[0] & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic "load": a slow drift and spikes, the same within a pair.
    fn loaded(i: usize) -> f64 {
        ((i * 37) % 60) as f64 + if i.is_multiple_of(7) { 400.0 } else { 0.0 }
    }
    fn jitter(i: usize) -> f64 {
        ((i * 7919) % 13) as f64 * 0.05
    }

    #[test]
    fn the_test_tells_a_real_shift_from_noise() {
        let same: Vec<(f64, f64)> = (0..25).map(|i| (300.0 + loaded(i) + jitter(i), 300.0 + loaded(i) + jitter(i + 5))).collect();
        let c = compare(&same);
        assert!(!c.distinguishable(1e-2) && c.p > 0.05, "{c:?}");
        let shifted: Vec<(f64, f64)> = (0..25).map(|i| (305.0 + loaded(i) + jitter(i), 300.0 + loaded(i) + jitter(i + 5))).collect();
        let c = compare(&shifted);
        assert!(c.distinguishable(1e-3), "{c:?}");
        assert!((c.shift_ms - 5.0).abs() < 1.0, "{c:?}");
        // Huge outliers in a few pairs do not make a kind "slower".
        let mut spiky = same.clone();
        spiky[3].0 += 500.0;
        spiky[17].0 += 900.0;
        assert!(!compare(&spiky).distinguishable(1e-2));
        // A consistent but tiny difference is not one an observer can use.
        let tiny: Vec<(f64, f64)> = same.iter().map(|(a, b)| (a + 0.3, *b)).collect();
        assert!(!compare(&tiny).distinguishable(1e-2));
    }

    #[test]
    fn erfc_matches_known_values() {
        assert!((erfc(0.0) - 1.0).abs() < 1e-6);
        assert!((erfc(1.0) - 0.157_299_2).abs() < 1e-6);
        assert!((erfc(-1.0) - 1.842_700_8).abs() < 1e-6);
        assert!((erfc(3.0) - 2.209_05e-5).abs() < 1e-8);
    }
}
