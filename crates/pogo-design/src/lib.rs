//! pogo-design: Probe layout: candidates, design-for-test rules, probe selection -> Fixture (no I/O).
