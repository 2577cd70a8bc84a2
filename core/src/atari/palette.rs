//! The NTSC palette. STUB: being written.
