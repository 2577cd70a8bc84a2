//! The NTSC palette. STUB: being written.

pub fn rgb(_v: u8) -> [u8; 3] {
    todo!()
}
pub fn gray(_v: u8) -> u8 {
    todo!()
}
