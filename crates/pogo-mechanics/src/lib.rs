//! pogo-mechanics: Fixture mechanics: stack-up and set heights, tooling pins, force and board strain, wiring channels.
pub mod plate;
