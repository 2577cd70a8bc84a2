//! The compute backend, chosen once here at the edge: everything below takes a `Device`.

use anyhow::{bail, Result};
use clap::ValueEnum;
use qarcade_core::dqn::Device;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// wgpu when this build has it and an adapter exists, else the CPU.
    Auto,
    /// Burn's CPU backend (flex).
    Cpu,
    /// Burn's wgpu backend (Vulkan/Metal/DX12).
    Wgpu,
}

/// The device for `backend`, and a name for it to print.
pub fn device(backend: Backend) -> Result<(Device, &'static str)> {
    match backend {
        Backend::Auto | Backend::Cpu => Ok((Device::flex(), "cpu (burn flex)")),
        Backend::Wgpu => {
            bail!("this qarcade was built without the wgpu backend; use --backend cpu")
        }
    }
}
