//! Forms that must not tell a stranger whether a login, PESEL, e-mail
//! address or phone number exists answer with the same words — and in the
//! same time: a match does more work (a message queued, a code stored) than
//! a miss, so every answer waits until a fixed time has passed since the
//! request began. The floor is well above the slowest path's usual time.

use std::time::Duration;

use tokio::time::Instant;

/// How long every answer of such a form takes at least.
pub const ANSWER_FLOOR: Duration = Duration::from_millis(300);

/// Waits until `floor` has passed since `started` (at once if it has).
pub async fn answer_no_sooner_than(started: Instant, floor: Duration) {
    tokio::time::sleep_until(started + floor).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_quick_answer_waits_for_the_floor_and_a_late_one_does_not() {
        let floor = Duration::from_millis(50);
        let started = Instant::now();
        answer_no_sooner_than(started, floor).await;
        assert!(started.elapsed() >= floor);
        let late = Instant::now() - Duration::from_secs(1);
        let before = Instant::now();
        answer_no_sooner_than(late, floor).await;
        assert!(before.elapsed() < floor);
    }
}
