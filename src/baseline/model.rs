//! Count models and multiple-testing control for the behaviour detectors.
//!
//! Daily counts of human work are overdispersed (a quiet Monday, a busy Friday), so a
//! Poisson model would call every busy day an anomaly. [`CountModel`] fits a negative
//! binomial by the method of moments and gives the upper-tail probability of an observed
//! count with statrs; [`benjamini_hochberg`] keeps the expected share of false alarms among
//! a day's alerts at a chosen rate when hundreds of users are judged at once.
//!
//! Pure functions of their inputs: no state, no clock, no I/O.

use statrs::distribution::{
    Binomial, ChiSquared, ContinuousCDF, DiscreteCDF, NegativeBinomial, Poisson,
};

/// Below this coefficient of variation a history is treated as if it varied this much:
/// a handful of identical days must not make a slightly busier day look impossible.
const MIN_CV: f64 = 0.15;

/// A fitted model of a daily count, with the summaries that reasons quote.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountModel {
    /// Days the model rests on.
    pub n: usize,
    /// Days left after trimming, which the mean and variance come from.
    pub core: usize,
    pub mean: f64,
    pub var: f64,
    pub median: f64,
    pub p95: f64,
}

impl CountModel {
    /// Fits a sample of daily counts; `None` when it has fewer than `min_n` days.
    ///
    /// Two kinds of day are left out of the mean and variance, while the median and 95th
    /// percentile quoted in reasons use every day:
    /// * fragments, under a quarter of the median day: the tail of a shift that crossed
    ///   midnight UTC, or a public holiday. A user whose late shifts leave two lookups on
    ///   the next UTC day would otherwise look wildly variable, and nothing would ever
    ///   look odd for them;
    /// * the top 5 % (when at least 20 days remain), so that one earlier anomaly does not
    ///   hide the next.
    pub(crate) fn fit(sample: &[f64], min_n: usize) -> Option<CountModel> {
        Self::fit_with(sample, min_n, false)
    }

    /// Like [`CountModel::fit`], for a history too short to judge by alone: the spread
    /// comes from the median absolute deviation (scaled to a standard deviation) when that
    /// is smaller than the sample variance. Among five days, one earlier anomaly would
    /// otherwise widen the variance so far that the next one looks ordinary; trimming needs
    /// twenty days. The floor on variation and the widening for few days still apply.
    pub(crate) fn fit_short(sample: &[f64], min_n: usize) -> Option<CountModel> {
        Self::fit_with(sample, min_n, true)
    }

    fn fit_with(sample: &[f64], min_n: usize, robust: bool) -> Option<CountModel> {
        if sample.is_empty() || sample.len() < min_n.max(1) {
            return None;
        }
        let mut sorted = sample.to_vec();
        sorted.sort_by(f64::total_cmp);
        let core = without_top(substantive(&sorted));
        let (mean, var) = mean_var(core);
        let var = if robust && core.len() >= 3 {
            var.min(mad_sd(core).powi(2))
        } else {
            var
        };
        Some(CountModel {
            n: sample.len(),
            core: core.len(),
            mean,
            var,
            median: quantile_sorted(&sorted, 0.5),
            p95: quantile_sorted(&sorted, 0.95),
        })
    }

    /// P(X ≥ x) under a negative binomial with this mean and (conservatively widened)
    /// variance.
    pub(crate) fn upper_tail(&self, x: u64) -> f64 {
        if x == 0 {
            return 1.0;
        }
        let mean = self.mean.max(0.5);
        let var = self.var.max(mean + (MIN_CV * mean).powi(2));
        // Ten days say less than ninety: use a 75 % upper confidence bound of the variance
        // (chi-squared) plus the uncertainty of the mean, so that a short history is not
        // taken as the last word on how much a user's days vary.
        let core = self.core.max(2) as f64;
        let df = core - 1.0;
        let chi = ChiSquared::new(df)
            .map(|c| c.inverse_cdf(0.25))
            .unwrap_or(df)
            .max(1e-9);
        let var = var * df / chi + var / core;
        if var <= mean * 1.000_001 {
            return poisson_upper_tail(mean, x);
        }
        // Mean m and variance v give r = m²/(v−m) successes with success probability
        // p = r/(r+m) in statrs' parameterisation (failures before the r-th success).
        let r = mean * mean / (var - mean);
        let p = r / (r + mean);
        match NegativeBinomial::new(r, p) {
            Ok(nb) => nb.sf(x - 1).clamp(0.0, 1.0),
            Err(_) => poisson_upper_tail(mean, x),
        }
    }
}

/// An ascending sample without its fragments: days under a quarter of the median day (the
/// tail of a shift that crossed midnight UTC, a public holiday).
fn substantive(sorted: &[f64]) -> &[f64] {
    let floor = quantile_sorted(sorted, 0.5) / 4.0;
    &sorted[sorted.partition_point(|&x| x < floor)..]
}

/// An ascending sample without its top 5 % when twenty or more remain, so that one earlier
/// anomaly does not hide the next.
fn without_top(sorted: &[f64]) -> &[f64] {
    let keep = if sorted.len() >= 20 {
        sorted.len() - sorted.len().div_ceil(20)
    } else {
        sorted.len()
    };
    &sorted[..keep]
}

/// Mean and sample variance (0 for fewer than two values).
fn mean_var(core: &[f64]) -> (f64, f64) {
    let n = core.len() as f64;
    let mean = core.iter().sum::<f64>() / n;
    let var = if core.len() > 1 {
        core.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var)
}

/// The median absolute deviation of an ascending sample, scaled to a standard deviation.
fn mad_sd(sorted: &[f64]) -> f64 {
    let med = quantile_sorted(sorted, 0.5);
    let mut dev: Vec<f64> = sorted.iter().map(|x| (x - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    1.4826 * quantile_sorted(&dev, 0.5)
}

/// An ascending sample's substantive days and their median, when there are at least
/// `min_member_days` (and two) of them and the median reaches [`MIN_SWING_LEVEL`].
fn usual_day(sorted: &[f64], min_member_days: usize) -> Option<(&[f64], f64)> {
    let substantive = substantive(sorted);
    let median = quantile_sorted(substantive, 0.5);
    (substantive.len() >= min_member_days.max(2) && median >= MIN_SWING_LEVEL)
        .then_some((substantive, median))
}

/// Below this usual day a member's days are too coarse to say how much they swing (a day
/// of 2 against a usual 1 is "twice", and means nothing).
const MIN_SWING_LEVEL: f64 = 5.0;

/// How much a member's day swings around their own usual day, learnt from a unit's
/// members together: the spread of each member's days as multiples of their own median.
///
/// Three days of a user's own say what level they work at, not how far their days swing
/// (two of them may be nearly the same, or one may be the fragment of a shift). A unit's
/// members, each measured against themselves, say that far better: a records clerk's day
/// swings as records clerks' days do. Measuring each member against their own median keeps
/// the difference between a part-timer and a full-timer out of the swing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Swing {
    /// Standard deviation of a member's day as a multiple of their median day.
    pub cv: f64,
    /// Member-days the swing was measured on.
    pub days: usize,
}

impl Swing {
    /// Each member's days as multiples of their own median day, for members with at least
    /// `min_member_days` substantive days (fragments under a quarter of the median, as in
    /// [`CountModel::fit`], left out) and a median day of at least five.
    pub(crate) fn ratios(days: &[f64], min_member_days: usize) -> Vec<f64> {
        let mut sorted = days.to_vec();
        sorted.sort_by(f64::total_cmp);
        match usual_day(&sorted, min_member_days) {
            Some((substantive, median)) => substantive.iter().map(|x| x / median).collect(),
            None => Vec::new(),
        }
    }

    /// A member's usual day, the median of their substantive days, as [`Swing::ratios`]
    /// measures against; `None` where those would be empty.
    pub(crate) fn level(days: &[f64], min_member_days: usize) -> Option<f64> {
        let mut sorted = days.to_vec();
        sorted.sort_by(f64::total_cmp);
        usual_day(&sorted, min_member_days).map(|(_, median)| median)
    }

    /// The swing of a unit from its members' [`Swing::ratios`]; `None` under `min_days` of
    /// them. The top 5 % are left out when twenty or more remain, as in
    /// [`CountModel::fit`], and the spread is the smaller of the standard deviation and the
    /// median absolute deviation (scaled to one), as in [`CountModel::fit_short`]: in a unit
    /// of three, one colleague's earlier anomaly is a tenth of the days and must not make
    /// the next one's look ordinary.
    pub(crate) fn of_ratios(ratios: &[f64], min_days: usize) -> Option<Swing> {
        if ratios.len() < min_days.max(2) {
            return None;
        }
        let mut sorted = ratios.to_vec();
        sorted.sort_by(f64::total_cmp);
        let core = without_top(&sorted);
        let (_, var) = mean_var(core);
        Some(Swing {
            cv: var.sqrt().min(mad_sd(core)),
            days: core.len(),
        })
    }
}

impl CountModel {
    /// This (short) history's level with the day-to-day swing of the unit: the median day
    /// as the mean, a variance no smaller than the unit's swing at that level (nor than the
    /// history's own), widened for the few days the level rests on, and tested with as
    /// many degrees of freedom as the unit's member-days give the swing.
    pub(crate) fn at_level_with(&self, swing: &Swing) -> CountModel {
        let level = self.median;
        let unit_var = (swing.cv * level).powi(2);
        let own_days = self.core.max(1) as f64;
        CountModel {
            core: swing.days,
            mean: level,
            var: self.var.max(unit_var) * (1.0 + 1.0 / own_days),
            ..self.clone()
        }
    }
}

/// P(X ≥ x) for a Poisson with mean `lambda`.
pub(crate) fn poisson_upper_tail(lambda: f64, x: u64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    match Poisson::new(lambda.max(1e-9)) {
        Ok(p) => p.sf(x - 1).clamp(0.0, 1.0),
        Err(_) => 1.0,
    }
}

/// The smallest count whose Poisson upper tail is below `alpha`.
pub(crate) fn poisson_critical(lambda: f64, alpha: f64) -> u64 {
    let mut k = lambda.ceil().max(1.0) as u64;
    while poisson_upper_tail(lambda, k) >= alpha {
        k += 1;
        if k > 1_000_000 {
            break;
        }
    }
    k
}

/// Linear-interpolated quantile of an ascending sample (`q` in 0–1).
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let pos = q.clamp(0.0, 1.0) * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = pos.ceil() as usize;
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        }
    }
}

/// Quantile of an unsorted sample.
pub(crate) fn quantile(sample: &[f64], q: f64) -> f64 {
    let mut s = sample.to_vec();
    s.sort_by(f64::total_cmp);
    quantile_sorted(&s, q)
}

/// The sign test: how likely `above` or more of `above + below` values are above a level
/// that each is equally likely to fall either side of (binomial upper tail at one half).
pub(crate) fn sign_test_upper(above: u64, below: u64) -> f64 {
    binomial_upper(above, above + below, 0.5)
}

/// How likely `k` or more of `n` are, each independently with probability `p`.
pub(crate) fn binomial_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    match Binomial::new(p.clamp(0.0, 1.0), n) {
        Ok(b) => b.sf(k - 1),
        Err(_) => 1.0,
    }
}

/// Benjamini–Hochberg: which of `p` are discoveries at false discovery rate `q`.
pub(crate) fn benjamini_hochberg(p: &[f64], q: f64) -> Vec<bool> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut cutoff = None;
    for (rank, &i) in order.iter().enumerate() {
        if p[i] <= (rank + 1) as f64 / m as f64 * q {
            cutoff = Some(rank);
        }
    }
    let mut out = vec![false; m];
    if let Some(c) = cutoff {
        for &i in &order[..=c] {
            out[i] = true;
        }
    }
    out
}

/// A p-value as people read it: `3e-9`, `0.004`.
pub(crate) fn format_p(p: f64) -> String {
    if p <= 0.0 {
        "< 1e-300".into()
    } else if p < 0.001 {
        format!("{p:.0e}")
    } else {
        format!("{p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn overdispersed_history_is_more_forgiving_than_poisson() {
        let steady: Vec<f64> = (0..30).map(|i| 50.0 + f64::from(i % 3)).collect();
        let wild: Vec<f64> = (0..30)
            .map(|i| if i % 2 == 0 { 20.0 } else { 80.0 })
            .collect();
        let s = CountModel::fit(&steady, 10).unwrap();
        let w = CountModel::fit(&wild, 10).unwrap();
        // Even a steady history is given a 15% spread (widened for a short history), so
        // more than doubling is rare but not impossible.
        assert!(s.upper_tail(120) < 1e-4, "{}", s.upper_tail(120));
        assert!(w.upper_tail(100) > 1e-2, "{}", w.upper_tail(100));
    }

    #[test]
    fn one_earlier_spike_does_not_mask_the_next() {
        let mut h: Vec<f64> = (0..40).map(|i| 40.0 + f64::from(i % 7)).collect();
        h[5] = 900.0;
        let m = CountModel::fit(&h, 10).unwrap();
        assert!(m.upper_tail(300) < 1e-9, "{}", m.upper_tail(300));
    }

    #[test]
    fn shift_fragments_do_not_make_a_user_look_erratic() {
        // Twenty full days around 20, and on every day off the two lookups a late shift
        // left after midnight UTC.
        let mut h: Vec<f64> = (0..20).map(|i| 18.0 + f64::from(i % 5)).collect();
        h.extend([2.0, 1.0, 3.0, 2.0, 1.0, 2.0, 3.0, 1.0]);
        let m = CountModel::fit(&h, 10).unwrap();
        assert!(m.upper_tail(120) < 1e-9, "{}", m.upper_tail(120));
        assert_eq!(m.n, 28);
    }

    #[test]
    fn a_short_history_takes_its_swing_from_the_unit() {
        // Three days of a login's own, one the fragment of a shift: alone, two days say
        // almost nothing of how far a day swings, and 187 against 40 is not conclusive.
        let own = CountModel::fit_short(&[4.0, 41.0, 40.0], 3).unwrap();
        assert!(own.upper_tail(187) > 1e-4, "{}", own.upper_tail(187));
        // Colleagues whose days swing about 15 % around their own usual day.
        let mut ratios = Vec::new();
        for member in [
            [22.0, 17.0, 20.0, 20.0, 21.0, 22.0, 22.0],
            [34.0, 34.0, 31.0, 26.0, 30.0, 35.0, 39.0],
        ] {
            ratios.extend(Swing::ratios(&member, 3));
        }
        let swing = Swing::of_ratios(&ratios, 10).unwrap();
        assert!(swing.cv > 0.05 && swing.cv < 0.2, "{swing:?}");
        let m = own.at_level_with(&swing);
        assert!(m.upper_tail(187) < 1e-9, "{}", m.upper_tail(187));
        // A day at the user's level stays ordinary.
        assert!(m.upper_tail(48) > 0.05, "{}", m.upper_tail(48));
    }

    #[test]
    fn a_history_that_swings_more_than_its_unit_keeps_its_own_spread() {
        let own = CountModel::fit_short(&[5.0, 40.0, 12.0], 3).unwrap();
        let steady = Swing { cv: 0.1, days: 60 };
        let m = own.at_level_with(&steady);
        assert!(m.var >= own.var);
        assert!(m.upper_tail(40) > 1e-3, "{}", m.upper_tail(40));
    }

    #[test]
    fn quiet_members_say_nothing_of_the_swing() {
        assert!(Swing::ratios(&[1.0, 2.0, 0.0, 3.0, 1.0], 3).is_empty());
        assert!(Swing::ratios(&[30.0, 31.0], 3).is_empty());
        assert_eq!(
            Swing::ratios(&[2.0, 20.0, 20.0, 40.0], 3),
            vec![1.0, 1.0, 2.0]
        );
        assert!(Swing::of_ratios(&[1.0; 5], 10).is_none());
    }

    #[test]
    fn too_little_history_fits_nothing() {
        assert!(CountModel::fit(&[1.0, 2.0], 10).is_none());
        assert!(CountModel::fit(&[], 0).is_none());
    }

    #[test]
    fn bh_matches_the_textbook_example() {
        // Sorted p-values 0.001 0.008 0.039 0.041 0.042 0.06 0.074 0.205 at q = 0.05:
        // the largest k with p(k) <= k/8 * 0.05 is k = 2.
        let p = [0.041, 0.001, 0.06, 0.008, 0.039, 0.042, 0.074, 0.205];
        let d = benjamini_hochberg(&p, 0.05);
        assert_eq!(d, [false, true, false, true, false, false, false, false]);
        assert!(benjamini_hochberg(&[], 0.05).is_empty());
    }

    #[test]
    fn quantiles_interpolate() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[0.0, 10.0], 0.95), 9.5);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }

    #[test]
    fn sign_test_is_the_binomial_tail_at_one_half() {
        assert_eq!(sign_test_upper(0, 10), 1.0);
        assert!((sign_test_upper(1, 0) - 0.5).abs() < 1e-12);
        // Ten of ten above: 2^-10.
        assert!((sign_test_upper(10, 0) - 1.0 / 1024.0).abs() < 1e-12);
        // Half above is what chance gives.
        assert!(sign_test_upper(25, 25) > 0.5);
        // Three of thirty at one in five hundred each: about 3e-5.
        let p = binomial_upper(3, 30, 0.002);
        assert!((2e-5..5e-5).contains(&p), "{p}");
        assert_eq!(binomial_upper(0, 30, 0.002), 1.0);
        assert_eq!(binomial_upper(31, 30, 0.5), 0.0);
    }

    #[test]
    fn poisson_critical_is_the_first_count_below_alpha() {
        let k = poisson_critical(2.0, 1e-6);
        assert!(poisson_upper_tail(2.0, k) < 1e-6);
        assert!(poisson_upper_tail(2.0, k - 1) >= 1e-6);
    }

    proptest! {
        #[test]
        fn tail_is_a_probability_and_falls_with_the_count(
            sample in proptest::collection::vec(0.0f64..500.0, 10..60),
            x in 0u64..2000,
        ) {
            let m = CountModel::fit(&sample, 10).unwrap();
            let a = m.upper_tail(x);
            let b = m.upper_tail(x + 1);
            prop_assert!((0.0..=1.0).contains(&a));
            prop_assert!(b <= a + 1e-12);
        }

        #[test]
        fn bh_discoveries_are_the_smallest_p_values(
            p in proptest::collection::vec(0.0f64..1.0, 0..50),
        ) {
            let d = benjamini_hochberg(&p, 0.1);
            let worst_found = p.iter().zip(&d).filter(|x| *x.1).map(|x| *x.0).fold(f64::MIN, f64::max);
            let best_missed = p.iter().zip(&d).filter(|x| !*x.1).map(|x| *x.0).fold(f64::MAX, f64::min);
            prop_assert!(worst_found <= best_missed);
        }
    }
}
