using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Fused;

/// <summary>
/// One step of an elementwise rule on <see cref="Vector{T}"/>.Count consecutive float32 elements: the parameter, its
/// gradient and up to three state buffers, at the addresses given. A rule reads only the buffers it uses, and its
/// caller passes null for the others: the last partial vector is staged through a padded copy of every non-null
/// buffer and copied back, so a placeholder aliasing another buffer would write that buffer's stale copy over its
/// update.
/// </summary>
internal unsafe interface IVectorStep
{
    void Apply(float* param, float* grad, float* state1, float* state2, float* state3);
}

/// <summary>
/// Runs an elementwise rule over n elements, split across threads (<see cref="Chunks"/>). The last partial vector runs
/// through the same vector step on a zero-padded copy, so every element is rounded by the same operations and no rule
/// needs a scalar twin kept in step with its vector form.
/// </summary>
internal static unsafe class Elementwise
{
    public static void Run<TStep>(TStep step, float* param, float* grad, float* state1, float* state2, float* state3, long n)
        where TStep : struct, IVectorStep
    {
        var (p, g, s1, s2, s3) = ((IntPtr)param, (IntPtr)grad, (IntPtr)state1, (IntPtr)state2, (IntPtr)state3);
        Chunks.Run(n, (start, count) =>
            Range(step, At(p, start), At(g, start), At(s1, start), At(s2, start), At(s3, start), count));
    }

    // Fully optimised from the first call: under tiered compilation the first calls would run unoptimised code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range<TStep>(TStep step, float* p, float* g, float* s1, float* s2, float* s3, long count)
        where TStep : struct, IVectorStep
    {
        var width = Vector<float>.Count;
        long i = 0;
        for (; i + width <= count; i += width) {
            // An unused buffer's null plus i is never read.
            step.Apply(p + i, g + i, s1 + i, s2 + i, s3 + i);
        }
        if (i < count) {
            Tail(step, p + i, g + i, Used(s1, i), Used(s2, i), Used(s3, i), (int)(count - i));
        }
    }

    private static void Tail<TStep>(TStep step, float* p, float* g, float* s1, float* s2, float* s3, int count)
        where TStep : struct, IVectorStep
    {
        var width = Vector<float>.Count;
        var padded = stackalloc float[5 * width];
        new Span<float>(padded, 5 * width).Clear();
        var pp = padded;
        var pg = padded + width;
        var ps1 = Slot(s1, padded, 2);
        var ps2 = Slot(s2, padded, 3);
        var ps3 = Slot(s3, padded, 4);
        Copy(p, pp, count);
        Copy(g, pg, count);
        Copy(s1, ps1, count);
        Copy(s2, ps2, count);
        Copy(s3, ps3, count);
        step.Apply(pp, pg, ps1, ps2, ps3);
        Copy(pp, p, count);
        Copy(pg, g, count);
        Copy(ps1, s1, count);
        Copy(ps2, s2, count);
        Copy(ps3, s3, count);
    }

    private static void Copy(float* from, float* to, int count)
    {
        if (from != null) {
            new ReadOnlySpan<float>(from, count).CopyTo(new Span<float>(to, count));
        }
    }

    // The k-th padded vector for a buffer in use, null for one that is not.
    private static float* Slot(float* buffer, float* padded, int k) => buffer == null ? null : padded + (k * Vector<float>.Count);

    private static float* Used(float* buffer, long i) => buffer == null ? null : buffer + i;

    private static float* At(IntPtr buffer, long start) => buffer == IntPtr.Zero ? null : (float*)buffer + start;
}
