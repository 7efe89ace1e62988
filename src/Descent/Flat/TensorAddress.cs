using System;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Descent.Flat;

/// <summary>
/// The address of a tensor's first element, read from TorchSharp's native shim in one call. A flat buffer checks every
/// step that each parameter and gradient still live where it put them; TorchSharp's public route (a Storage object,
/// then the storage offset) costs several native calls and an allocation per tensor, this costs one call.
/// </summary>
internal static partial class TensorAddress
{
    /// <summary>The address of <paramref name="tensor"/>'s first element (storage pointer plus offset).</summary>
    public static IntPtr Of(Tensor tensor)
    {
        var address = THSTensor_data(tensor.Handle);
        // The native call gets only the handle: keep the wrapper (whose finalizer frees the handle) alive through it.
        GC.KeepAlive(tensor);
        return address;
    }

    /// <summary>
    /// True when a and b are contiguous CPU tensors of one size: what a C# pass over both tensors' memory needs.
    /// </summary>
    public static bool ContiguousCpuPair(Tensor a, Tensor b) =>
        a.device_type == TorchSharp.DeviceType.CPU && b.device_type == TorchSharp.DeviceType.CPU
        && a.is_contiguous() && b.is_contiguous() && a.numel() == b.numel();

    /// <summary>
    /// The address of the first element of <paramref name="tensor"/>'s gradient, or zero when it has none, without
    /// creating a managed tensor for the gradient (which costs a third of a microsecond per call, with its dispose).
    /// </summary>
    public static IntPtr OfGradient(Tensor tensor)
    {
        var grad = THSTensor_grad(tensor.Handle);
        GC.KeepAlive(tensor);
        if (grad == IntPtr.Zero) {
            return IntPtr.Zero;
        }
        try {
            return THSTensor_data(grad);
        } finally {
            THSTensor_dispose(grad);
        }
    }

    // libLibTorchSharp's exported C function behind Tensor.data<T>(): at::Tensor::data_ptr().
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr tensor);

    // Behind Tensor.grad: a new heap handle on the gradient, or null when it is undefined; freed by THSTensor_dispose.
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_grad(IntPtr tensor);

    [LibraryImport("LibTorchSharp")]
    private static partial void THSTensor_dispose(IntPtr tensor);
}
