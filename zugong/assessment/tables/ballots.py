"""Tables of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes."""
