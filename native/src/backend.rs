//! The compute backend, chosen once here at the edge: everything below takes a `Device`.

use anyhow::Result;
use clap::ValueEnum;
use qarcade_core::dqn::Device;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// wgpu when this build has it and a hardware GPU adapter exists, else the CPU.
    Auto,
    /// Burn's CPU backend (flex).
    Cpu,
    /// Burn's wgpu backend (Vulkan/Metal/DX12; any adapter, software ones included).
    Wgpu,
}

/// The device for `backend`, and a name for it to print.
pub fn device(backend: Backend) -> Result<(Device, String)> {
    let cpu = || (Device::flex(), "cpu (burn flex)".to_string());
    match backend {
        Backend::Cpu => Ok(cpu()),
        Backend::Wgpu => wgpu::device(),
        Backend::Auto => match wgpu::hardware_adapter() {
            // A software adapter (lavapipe, SwiftShader) is far slower than flex: not for auto.
            Some(_) => wgpu::device(),
            None => Ok(cpu()),
        },
    }
}

#[cfg(feature = "wgpu")]
mod wgpu {
    use anyhow::{anyhow, Result};
    use qarcade_core::dqn::Device;
    use qarcade_core::dqn::WgpuApi as wgpu_api;

    /// Burn's wgpu runtime on its default adapter.
    pub fn device() -> Result<(Device, String)> {
        let device = Device::wgpu_options()
            .init()
            .map_err(|e| anyhow!("the wgpu backend could not start: {e}"))?;
        let name = match adapters().into_iter().next() {
            Some(a) => format!("wgpu ({} on {:?}, {:?})", a.name, a.backend, a.device_type),
            None => "wgpu".to_string(),
        };
        Ok((device, name))
    }

    fn adapters() -> Vec<wgpu_api::AdapterInfo> {
        let instance = wgpu_api::Instance::default();
        pollster::block_on(instance.enumerate_adapters(wgpu_api::Backends::all()))
            .iter()
            .map(|a| a.get_info())
            .collect()
    }

    /// The first adapter that is a real GPU (not a CPU emulation of one).
    pub fn hardware_adapter() -> Option<wgpu_api::AdapterInfo> {
        adapters()
            .into_iter()
            .find(|a| a.device_type != wgpu_api::DeviceType::Cpu)
    }
}

#[cfg(not(feature = "wgpu"))]
mod wgpu {
    use super::*;
    use anyhow::bail;

    pub fn device() -> Result<(Device, String)> {
        bail!("this qarcade was built without the wgpu backend (cargo build --features wgpu); use --backend cpu")
    }

    pub fn hardware_adapter() -> Option<()> {
        None
    }
}
