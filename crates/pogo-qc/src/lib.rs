//! pogo-qc: Verification and quality: inspection plans, measurement verdicts, ISO 2859-1 sampling, SPC, vibration discontinuities.
