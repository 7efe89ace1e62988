using System;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Core;

/// <summary>
/// Writes a tensor as dtype, shape and raw little-endian bytes, and reads it back with every field checked against
/// the bytes that remain, so a truncated or corrupted file raises <see cref="InvalidDataException"/> instead of
/// allocating nonsense or crashing in native code.
/// </summary>
internal static class TensorCodec
{
    private const int MaxDimensions = 16;

    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        writer.Write((int)cpu.dtype);
        writer.Write((int)cpu.dim());
        foreach (var size in cpu.shape) {
            writer.Write(size);
        }
        var bytes = cpu.bytes;
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Reads a tensor onto the CPU.</summary>
    public static Tensor Read(BinaryReader reader)
    {
        var dtype = (ScalarType)reader.ReadInt32();
        var elementSize = ElementSize(dtype);
        var dimensions = reader.ReadInt32();
        if (dimensions < 0 || dimensions > MaxDimensions) {
            throw new InvalidDataException($"A saved tensor claims {dimensions} dimensions.");
        }
        var shape = new long[dimensions];
        for (var i = 0; i < dimensions; i++) {
            shape[i] = reader.ReadInt64();
            if (shape[i] < 0) {
                throw new InvalidDataException($"A saved tensor has a negative size {shape[i]}.");
            }
        }
        var byteCount = reader.ReadInt64();
        var expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * elementSize;
        if (byteCount != expected || byteCount > Remaining(reader)) {
            throw new InvalidDataException($"A saved tensor of shape [{string.Join(", ", shape)}] and dtype {dtype} has {byteCount} bytes; expected {expected}, with {Remaining(reader)} left in the stream.");
        }
        var data = reader.ReadBytes(checked((int)byteCount));
        var tensor = empty(shape, dtype);
        tensor.bytes = data;
        return tensor;
    }

    private static long Remaining(BinaryReader reader) =>
        reader.BaseStream.CanSeek ? reader.BaseStream.Length - reader.BaseStream.Position : long.MaxValue;

    private static int ElementSize(ScalarType dtype) => dtype switch {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 => 1,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new InvalidDataException($"A saved tensor has an unknown dtype code {(int)dtype}."),
    };
}
