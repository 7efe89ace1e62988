namespace Descent.Core;

/// <summary>
/// The dtype of an optimizer's state tensors. Low-precision state silently inherited from bf16 parameters is a known
/// cause of worse training (optimizer-libraries §10.3), so the default keeps state in fp32 for 16-bit parameters.
/// </summary>
public enum StatePrecision
{
    /// <summary>fp32 for bf16 and fp16 parameters; the parameter's own dtype for fp32 and fp64 (default).</summary>
    Auto,

    /// <summary>fp32 state for every floating parameter.</summary>
    Float32,

    /// <summary>bf16 state for every floating parameter (halves state memory; the arithmetic still runs at the parameter's precision).</summary>
    BFloat16,
}
