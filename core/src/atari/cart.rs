//! Cartridges: 2K, 4K and the F8/F6/F4 bank-switching schemes. STUB: being written.

#[derive(Clone, Debug)]
pub struct Cart {}

#[derive(Debug, thiserror::Error)]
#[error("bad cartridge")]
pub struct CartError;

impl Cart {
    pub fn from_image(_image: &[u8]) -> Result<Cart, CartError> {
        todo!()
    }
    pub fn reset(&mut self) {
        todo!()
    }
    pub fn read(&mut self, _addr: u16) -> u8 {
        todo!()
    }
    pub fn write(&mut self, _addr: u16, _value: u8) {
        todo!()
    }
}
