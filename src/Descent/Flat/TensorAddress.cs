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
    public static IntPtr Of(Tensor tensor) => THSTensor_data(tensor.Handle);

    // libLibTorchSharp's exported C function behind Tensor.data<T>(): at::Tensor::data_ptr().
    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr tensor);
}
