using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using TorchSharp.Modules;

namespace Descent.Core;

/// <summary>
/// The checkpoint format of Descent optimizers. Layout: the magic bytes <c>DESCENT1</c>; a format version (int32);
/// the optimizer's full type name; the payload's length (int64) and SHA-256; then the payload: the group count and,
/// per group, its options (<see cref="DescentOptions.SaveStateDict"/>) and parameter count; then per parameter its
/// shape and its <see cref="ParameterState"/>. Loading checks everything before changing anything.
/// </summary>
public static class Checkpoint
{
    private const int FormatVersion = 1;
    private static readonly byte[] s_magic = "DESCENT1"u8.ToArray();

    /// <summary>Writes <paramref name="optimizer"/>'s state to a file.</summary>
    public static void Save(DescentOptimizer optimizer, string path)
    {
        using var stream = File.Create(path);
        Save(optimizer, stream);
    }

    /// <summary>Writes <paramref name="optimizer"/>'s state to a stream.</summary>
    public static void Save(DescentOptimizer optimizer, Stream stream)
    {
        var payload = Payload(optimizer);
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(s_magic);
        writer.Write(FormatVersion);
        writer.Write(optimizer.GetType().FullName!);
        writer.Write((long)payload.Length);
        writer.Write(SHA256.HashData(payload));
        writer.Write(payload);
    }

    /// <summary>Loads a file into <paramref name="optimizer"/>; throws <see cref="InvalidDataException"/> and changes nothing if it does not fit.</summary>
    public static void Load(DescentOptimizer optimizer, string path)
    {
        if (!File.Exists(path)) {
            throw new FileNotFoundException($"No optimizer checkpoint at '{path}'.", path);
        }
        using var stream = File.OpenRead(path);
        Load(optimizer, stream);
    }

    /// <summary>Loads a stream into <paramref name="optimizer"/>; throws <see cref="InvalidDataException"/> and changes nothing if it does not fit.</summary>
    public static void Load(DescentOptimizer optimizer, Stream stream)
    {
        var payload = ReadVerifiedPayload(optimizer, stream);
        var (options, states) = Stage(optimizer, payload);
        try {
            var live = optimizer.state_dict();
            for (var i = 0; i < options.Count; i++) {
                live.Options[i].LoadStateDict(options[i]);
            }
            for (var i = 0; i < states.Count; i++) {
                live.State[i].LoadStateDict(states[i]);
            }
        } finally {
            foreach (var state in states) {
                state.Dispose();
            }
        }
    }

    private static byte[] Payload(DescentOptimizer optimizer)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer)) {
            var groups = optimizer.Groups;
            writer.Write(groups.Count);
            foreach (var group in groups) {
                group.Options.SaveStateDict(writer);
                writer.Write(group.Parameters.Count());
            }
            foreach (var parameter in groups.SelectMany(g => g.Parameters)) {
                writer.Write((int)parameter.dim());
                foreach (var size in parameter.shape) {
                    writer.Write(size);
                }
                optimizer.StateOf(parameter).SaveStateDict(writer);
            }
        }
        return buffer.ToArray();
    }

    private static byte[] ReadVerifiedPayload(DescentOptimizer optimizer, Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try {
            if (!reader.ReadBytes(s_magic.Length).SequenceEqual(s_magic)) {
                throw new InvalidDataException("This is not a Descent optimizer checkpoint (bad magic bytes).");
            }
            var version = reader.ReadInt32();
            if (version != FormatVersion) {
                throw new InvalidDataException($"Checkpoint format version {version} is not supported (this build reads version {FormatVersion}).");
            }
            var type = reader.ReadString();
            if (type != optimizer.GetType().FullName) {
                throw new InvalidDataException($"The checkpoint was saved by {type}; it cannot be loaded into {optimizer.GetType().FullName}.");
            }
            var length = reader.ReadInt64();
            var hash = reader.ReadBytes(32);
            if (length < 0 || (stream.CanSeek && length > stream.Length - stream.Position)) {
                throw new InvalidDataException("The checkpoint is truncated.");
            }
            var payload = reader.ReadBytes(checked((int)length));
            if (payload.Length != length || !SHA256.HashData(payload).SequenceEqual(hash)) {
                throw new InvalidDataException("The checkpoint is truncated or corrupted (checksum mismatch).");
            }
            return payload;
        } catch (Exception e) when (e is EndOfStreamException or OverflowException or FormatException) {
            throw new InvalidDataException("The checkpoint is truncated or corrupted.", e);
        }
    }

    // Reads the payload into fresh objects and checks them against the live optimizer.
    private static (List<DescentOptions> options, List<ParameterState> states) Stage(DescentOptimizer optimizer, byte[] payload)
    {
        var groups = optimizer.Groups;
        var options = new List<DescentOptions>();
        var states = new List<ParameterState>();
        using var reader = new BinaryReader(new MemoryStream(payload));
        try {
            var groupCount = reader.ReadInt32();
            if (groupCount != groups.Count) {
                throw new InvalidDataException($"The checkpoint has {groupCount} parameter groups; the optimizer has {groups.Count}.");
            }
            foreach (var group in groups) {
                var staged = (DescentOptions)Activator.CreateInstance(group.Options.GetType())!;
                staged.LoadStateDict(reader);
                options.Add(staged);
                var count = reader.ReadInt32();
                if (count != group.Parameters.Count()) {
                    throw new InvalidDataException($"A group in the checkpoint has {count} parameters; the optimizer's has {group.Parameters.Count()}.");
                }
            }
            foreach (var parameter in groups.SelectMany(g => g.Parameters)) {
                states.Add(StageState(optimizer, parameter, reader));
            }
            return (options, states);
        } catch (Exception e) when (e is EndOfStreamException or ArgumentException or OverflowException or FormatException) {
            DisposeAll(states);
            throw new InvalidDataException("The checkpoint's contents are malformed.", e);
        } catch {
            DisposeAll(states);
            throw;
        }
    }

    private static ParameterState StageState(DescentOptimizer optimizer, Parameter parameter, BinaryReader reader)
    {
        var dimensions = reader.ReadInt32();
        if (dimensions < 0 || dimensions > 16) {
            throw new InvalidDataException($"A saved parameter claims {dimensions} dimensions.");
        }
        var shape = Enumerable.Range(0, dimensions).Select(_ => reader.ReadInt64()).ToArray();
        if (!shape.SequenceEqual(parameter.shape)) {
            throw new InvalidDataException($"The checkpoint holds state for a parameter of shape [{string.Join(", ", shape)}] where the optimizer has {optimizer.Describe(parameter)}.");
        }
        var staged = new ParameterState(parameter);
        try {
            staged.LoadStateDictUnchecked(reader);
            optimizer.StateOf(parameter).CheckSameLayout(staged);
            return staged;
        } catch {
            staged.Dispose();
            throw;
        }
    }

    private static void DisposeAll(List<ParameterState> states)
    {
        foreach (var state in states) {
            state.Dispose();
        }
    }
}
