//! The running count, kept equal to what `zkvote tally` computes from the log.

use super::*;

impl LiveTally {
    pub(super) fn multiplier(&self, weight: u64) -> u128 {
        if self.cost_from_weight {
            1
        } else {
            weight as u128
        }
    }

    pub(super) fn add(&mut self, votes: &[u32], weight: u64, sign: bool) {
        let m = self.multiplier(weight);
        for (t, &v) in self.totals.iter_mut().zip(votes) {
            let d = v as u128 * m;
            *t = if sign { *t + d } else { *t - d };
        }
    }

    /// Applies the ballot logged at `index`.
    pub(super) fn apply(&mut self, index: u64, nullifier: &str, votes: Vec<u32>, weight: u64) {
        let member = self.members.entry(nullifier.to_owned()).or_default();
        if member.choices.iter().any(|c| c.0 == votes && c.1 == weight) {
            return; // a copy or a repeated choice keeps its first place
        }
        let previous = match (self.revote, member.choices.last()) {
            (Revote::First, Some(_)) => return, // the database refuses these anyway
            (_, Some(last)) => Some((last.0.clone(), last.1)),
            (_, None) => None,
        };
        member.choices.push((votes.clone(), weight, index));
        if let Some((v, w)) = previous {
            self.add(&v, w, false);
        }
        self.add(&votes, weight, true);
    }

    pub(super) fn counted(&self) -> u64 {
        self.members.len() as u64
    }

    /// The entry whose choice equals this one, if the member has made it already.
    pub(super) fn repeated(&self, nullifier: &str, votes: &[u32], weight: u64) -> Option<u64> {
        self.members
            .get(nullifier)?
            .choices
            .iter()
            .find(|c| c.0 == votes && c.1 == weight)
            .map(|c| c.2)
    }
}
