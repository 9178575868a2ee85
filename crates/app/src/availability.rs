//! Whether the team is online now, when it will be back, and how fast it usually answers:
//! the schedule from the store read in the organisation's time zone.

use crate::state::AppState;
use netreach_core::availability::{Availability, Hours, HoursError, Schedule, median_seconds};
use netreach_store::{AvailabilityRecord, StoreError};
use time::{Date, Duration};

/// What the home page says about the team.
#[derive(Debug, Clone)]
pub struct TeamStatus {
    /// `None` when no working hours are set.
    pub availability: Option<Availability>,
    /// When `Offline`, the local time they will be back, e.g. `2026-01-12 09:00 (Europe/Moscow)`.
    pub back_at: Option<String>,
    /// Median seconds to a first response over the last 30 days.
    pub typical_response: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("unknown time zone")]
    TimeZone,
    #[error("{0}")]
    Hours(#[from] HoursError),
    #[error("holidays are dates like 2026-01-07, separated by spaces or new lines")]
    Holiday,
}

impl ScheduleError {
    pub fn message_id(&self) -> &'static str {
        match self {
            ScheduleError::TimeZone => "error-timezone",
            ScheduleError::Hours(HoursError::Format) => "error-hours-format",
            ScheduleError::Hours(HoursError::Order) => "error-hours-order",
            ScheduleError::Holiday => "error-holiday",
        }
    }
}

pub fn parse_holidays(text: &str) -> Result<Vec<Date>, ScheduleError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.split_whitespace()
        .map(|d| Date::parse(d, &format).map_err(|_| ScheduleError::Holiday))
        .collect()
}

/// Checks a schedule as typed in the console and returns the record to store.
pub fn validate(
    timezone: &str,
    days: &[String; 7],
    holidays: &str,
    away: bool,
    now: time::OffsetDateTime,
) -> Result<AvailabilityRecord, ScheduleError> {
    let timezone = timezone.trim();
    jiff::tz::TimeZone::get(timezone).map_err(|_| ScheduleError::TimeZone)?;
    let mut parsed = [None; 7];
    for (i, day) in days.iter().enumerate() {
        parsed[i] = Hours::parse(day)?;
    }
    let holiday_dates = parse_holidays(holidays)?;
    let schedule = Schedule {
        days: parsed,
        holidays: holiday_dates.clone(),
        away,
    };
    Ok(AvailabilityRecord {
        timezone: timezone.to_owned(),
        hours: schedule.days_to_text(),
        holidays: holiday_dates
            .iter()
            .map(Date::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        away,
        updated_at: now,
    })
}

pub(crate) fn schedule(record: &AvailabilityRecord) -> Option<Schedule> {
    Some(Schedule {
        days: Schedule::days_from_text(&record.hours).ok()?,
        holidays: parse_holidays(&record.holidays).ok()?,
        away: record.away,
    })
}

/// A local date and time typed as `YYYY-MM-DDTHH:MM` (what a `datetime-local` field sends),
/// read in `timezone` (UTC without one); `None` when it is not such a time. In a daylight-saving
/// gap or overlap the earlier reading is taken.
pub(crate) fn from_local(timezone: Option<&str>, typed: &str) -> Option<time::OffsetDateTime> {
    let civil: jiff::civil::DateTime = typed.parse().ok()?;
    let tz = match timezone {
        Some(name) => jiff::tz::TimeZone::get(name).ok()?,
        None => jiff::tz::TimeZone::UTC,
    };
    let stamp = tz.to_ambiguous_timestamp(civil).compatible().ok()?;
    time::OffsetDateTime::from_unix_timestamp(stamp.as_second()).ok()
}

/// A moment as the team reads it, `YYYY-MM-DD HH:MM` in `timezone` (UTC without one), and as
/// a `datetime-local` field takes it (`YYYY-MM-DDTHH:MM`).
pub fn local_text(timezone: Option<&str>, at: time::OffsetDateTime) -> (String, String) {
    let local = timezone
        .and_then(|name| jiff::tz::TimeZone::get(name).ok())
        .and_then(|tz| {
            let stamp = jiff::Timestamp::from_second(at.unix_timestamp()).ok()?;
            Some(tz.to_datetime(stamp))
        });
    let (date, hour, minute) = match local {
        Some(dt) => (
            format!("{:04}-{:02}-{:02}", dt.year(), dt.month(), dt.day()),
            dt.hour() as u8,
            dt.minute() as u8,
        ),
        None => (at.date().to_string(), at.hour(), at.minute()),
    };
    (
        format!("{date} {hour:02}:{minute:02}"),
        format!("{date}T{hour:02}:{minute:02}"),
    )
}

/// The local date and minute of the day in a time zone.
pub(crate) fn local_now(timezone: &str, now: time::OffsetDateTime) -> Option<(Date, u16)> {
    let tz = jiff::tz::TimeZone::get(timezone).ok()?;
    let zoned = tz.to_datetime(jiff::Timestamp::from_second(now.unix_timestamp()).ok()?);
    let date = Date::from_calendar_date(
        i32::from(zoned.year()),
        time::Month::try_from(zoned.month() as u8).ok()?,
        zoned.day() as u8,
    )
    .ok()?;
    let minute = (zoned.hour() as u16) * 60 + zoned.minute() as u16;
    Some((date, minute))
}

/// The median first-response time, recomputed at most once a minute (the home page and client
/// threads ask on every view).
async fn typical_response(
    state: &AppState,
    now: time::OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    if let Ok(cache) = state.typical_response.lock()
        && let Some((at, value)) = *cache
        && now >= at
        && now - at < Duration::minutes(1)
    {
        return Ok(value);
    }
    let value = median_seconds(
        state
            .store
            .first_response_seconds(now - Duration::days(30))
            .await?,
    );
    if let Ok(mut cache) = state.typical_response.lock() {
        *cache = Some((now, value));
    }
    Ok(value)
}

pub async fn team_status(state: &AppState) -> Result<TeamStatus, StoreError> {
    let now = state.clock.now();
    let typical_response = typical_response(state, now).await?;
    let record = state.store.availability().await?;
    let Some((record, schedule)) = record.and_then(|r| schedule(&r).map(|s| (r, s))) else {
        return Ok(TeamStatus {
            availability: None,
            back_at: None,
            typical_response,
        });
    };
    if !schedule.is_configured() && !schedule.away {
        return Ok(TeamStatus {
            availability: None,
            back_at: None,
            typical_response,
        });
    }
    let Some((date, minute)) = local_now(&record.timezone, now) else {
        return Ok(TeamStatus {
            availability: None,
            back_at: None,
            typical_response,
        });
    };
    let availability = schedule.at(date, minute);
    let back_at = match &availability {
        Availability::Offline {
            back: Some((day, minute)),
        } => Some(format!(
            "{day} {:02}:{:02} ({})",
            minute / 60,
            minute % 60,
            record.timezone
        )),
        _ => None,
    };
    Ok(TeamStatus {
        availability: Some(availability),
        back_at,
        typical_response,
    })
}

/// Whether the team is on shift now, and the organisation's local minute of the day, for
/// deciding who is notified (`netreach_core::notification::reaches`). A team without working
/// hours is on shift at all times; one switched away by hand is not. Without a time zone the
/// minute is UTC's.
pub async fn shift_now(state: &AppState) -> Result<(bool, u16), StoreError> {
    let now = state.clock.now();
    let utc_minute = (now.hour() as u16) * 60 + now.minute() as u16;
    let Some(record) = state.store.availability().await? else {
        return Ok((true, utc_minute));
    };
    let Some(schedule) = schedule(&record) else {
        return Ok((true, utc_minute));
    };
    let Some((date, minute)) = local_now(&record.timezone, now) else {
        return Ok((!schedule.away, utc_minute));
    };
    if !schedule.is_configured() {
        return Ok((!schedule.away, minute));
    }
    Ok((schedule.at(date, minute) == Availability::Online, minute))
}

/// A response time for people: minutes under two hours, then hours, then days.
pub fn describe(seconds: i64, t: &netreach_i18n::Tr<'_>) -> String {
    describe_as(seconds, t, "duration")
}

/// A response time after "within" ("в течение" takes the genitive in Russian: "1 минуты").
pub fn describe_within(seconds: i64, t: &netreach_i18n::Tr<'_>) -> String {
    describe_as(seconds, t, "within")
}

fn describe_as(seconds: i64, t: &netreach_i18n::Tr<'_>, prefix: &str) -> String {
    let minutes = (seconds + 59) / 60;
    if minutes < 120 {
        t.count(&format!("{prefix}-minutes"), "count", minutes.max(1))
    } else if minutes < 48 * 60 {
        t.count(&format!("{prefix}-hours"), "count", (minutes + 59) / 60)
    } else {
        t.count(
            &format!("{prefix}-days"),
            "count",
            (minutes + 24 * 60 - 1) / (24 * 60),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_typed_local_time_is_read_in_the_team_time_zone() {
        let moscow = super::from_local(Some("Europe/Moscow"), "2026-12-24T09:30").unwrap();
        assert_eq!(moscow.unix_timestamp(), 1_798_093_800);
        let utc = super::from_local(None, "2026-12-24T09:30").unwrap();
        assert_eq!(utc - moscow, time::Duration::hours(3));
        assert!(super::from_local(None, "tomorrow").is_none());
        assert!(super::from_local(Some("Nowhere/Atlantis"), "2026-12-24T09:30").is_none());
        assert_eq!(
            super::local_text(Some("Europe/Moscow"), moscow),
            ("2026-12-24 09:30".to_owned(), "2026-12-24T09:30".to_owned())
        );
        assert_eq!(super::local_text(None, moscow).0, "2026-12-24 06:30");
    }
}
