//! The weekly first-response report: per week and per worker, how many conversations they
//! answered first, the share answered within the target, and the median and 90th percentile of
//! the first response, all in working time. Computed from metadata recorded when the first
//! answer was sent (never from content), so it survives retention.

use time::{Date, Duration};

/// One first answer as recorded: who sent it, the (local) day it was sent, the working time the
/// client had waited, and the target it was measured against (both in seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstResponse<U> {
    pub responder: U,
    pub day: Date,
    pub working_seconds: i64,
    pub target_seconds: i64,
}

/// The figures of one group of first answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub answered: u64,
    pub within_target: u64,
    pub median_seconds: i64,
    pub p90_seconds: i64,
}

impl Summary {
    /// The share answered within target, in whole percent (rounded down, so 100 % means all).
    pub fn within_target_percent(&self) -> u64 {
        (self.within_target * 100)
            .checked_div(self.answered)
            .unwrap_or(0)
    }
}

/// The `p`th percentile (0 < p <= 100) of sorted values by the nearest-rank method: the
/// smallest value with at least `p` % of the values at or below it. `None` without values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() || p == 0 || p > 100 {
        return None;
    }
    let n = sorted.len();
    // ceil(p/100 * n), 1-based.
    let rank = (p as usize * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The median (the 50th percentile by nearest rank: the lower middle of an even count, always
/// a time that really happened).
pub fn median(sorted: &[i64]) -> Option<i64> {
    percentile(sorted, 50)
}

/// The figures of a group; `None` when it is empty.
pub fn summarize<U>(group: &[&FirstResponse<U>]) -> Option<Summary> {
    let mut seconds: Vec<i64> = group.iter().map(|r| r.working_seconds).collect();
    seconds.sort_unstable();
    Some(Summary {
        answered: group.len() as u64,
        within_target: group
            .iter()
            .filter(|r| r.working_seconds <= r.target_seconds)
            .count() as u64,
        median_seconds: median(&seconds)?,
        p90_seconds: percentile(&seconds, 90)?,
    })
}

/// The Monday that starts the week of `day`.
pub fn week_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// One line of the report: a week (its Monday), a worker, and their figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekLine<U> {
    pub week: Date,
    pub responder: U,
    pub summary: Summary,
}

/// Groups first answers by week and worker: newest week first, then by worker (in `U`'s order).
pub fn weekly<U: Clone + Ord>(records: &[FirstResponse<U>]) -> Vec<WeekLine<U>> {
    let mut groups: std::collections::BTreeMap<(Date, U), Vec<&FirstResponse<U>>> =
        std::collections::BTreeMap::new();
    for r in records {
        groups
            .entry((week_of(r.day), r.responder.clone()))
            .or_default()
            .push(r);
    }
    let mut lines: Vec<WeekLine<U>> = groups
        .into_iter()
        .filter_map(|((week, responder), group)| {
            Some(WeekLine {
                week,
                responder,
                summary: summarize(&group)?,
            })
        })
        .collect();
    lines.sort_by(|a, b| {
        b.week
            .cmp(&a.week)
            .then_with(|| a.responder.cmp(&b.responder))
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn answer(who: &str, day: Date, minutes: i64, target_minutes: i64) -> FirstResponse<String> {
        FirstResponse {
            responder: who.to_owned(),
            day,
            working_seconds: minutes * 60,
            target_seconds: target_minutes * 60,
        }
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let ten: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&ten, 90), Some(9));
        assert_eq!(percentile(&ten, 100), Some(10));
        assert_eq!(percentile(&ten, 10), Some(1));
        assert_eq!(median(&ten), Some(5));
        assert_eq!(median(&[7]), Some(7));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(median(&[]), None);
        assert_eq!(percentile(&[1, 2], 0), None);
        let eleven: Vec<i64> = (1..=11).collect();
        assert_eq!(median(&eleven), Some(6));
        assert_eq!(percentile(&eleven, 90), Some(10));
    }

    #[test]
    fn the_share_within_target_counts_answers_at_the_target_as_within() {
        let day = date!(2026 - 12 - 01);
        let group = [
            answer("anna", day, 5, 120),
            answer("anna", day, 120, 120),
            answer("anna", day, 121, 120),
        ];
        let refs: Vec<_> = group.iter().collect();
        let s = summarize(&refs).unwrap();
        assert_eq!((s.answered, s.within_target), (3, 2));
        assert_eq!(s.within_target_percent(), 66);
        assert_eq!(s.median_seconds, 120 * 60);
        assert_eq!(s.p90_seconds, 121 * 60);
        assert!(summarize::<String>(&[]).is_none());
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of(date!(2026 - 12 - 06)), date!(2026 - 11 - 30));
        assert_eq!(week_of(date!(2026 - 11 - 30)), date!(2026 - 11 - 30));
        assert_eq!(week_of(date!(2026 - 12 - 07)), date!(2026 - 12 - 07));
    }

    #[test]
    fn the_report_groups_by_week_and_worker_newest_week_first() {
        let records = [
            answer("boris", date!(2026 - 11 - 30), 10, 120),
            answer("anna", date!(2026 - 12 - 06), 30, 120),
            answer("anna", date!(2026 - 12 - 07), 300, 120),
            answer("anna", date!(2026 - 12 - 01), 10, 120),
        ];
        let lines = weekly(&records);
        let keys: Vec<_> = lines
            .iter()
            .map(|l| (l.week, l.responder.as_str(), l.summary.answered))
            .collect();
        assert_eq!(
            keys,
            [
                (date!(2026 - 12 - 07), "anna", 1),
                (date!(2026 - 11 - 30), "anna", 2),
                (date!(2026 - 11 - 30), "boris", 1),
            ]
        );
        assert_eq!(lines[0].summary.within_target_percent(), 0);
        assert_eq!(lines[1].summary.median_seconds, 600);
        assert_eq!(lines[1].summary.p90_seconds, 1800);
    }
}
