// Loads TorchSharp 0.107 on Linux systems whose libstdc++ predates GLIBCXX_3.4.32 (Debian 12, Ubuntu 22.04).
//
// TorchSharp's native shim libLibTorchSharp.so was built against a newer libstdc++ and records a need for the
// symbol version GLIBCXX_3.4.32. The only symbol behind that version is never called, so marking the version
// requirement weak (VER_FLG_WEAK in its Elf64_Vernaux record) lets glibc's loader accept the library while
// changing nothing else. This file is compiled by MSBuild's RoslynCodeTaskFactory at build time (see
// Descent.targets), and by the test project, which defines DESCENT_ELF_TESTS to leave the MSBuild task out.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Descent.Build
{
    /// <summary>Outcome of <see cref="ElfVersionNeeds.Weaken"/> on one file.</summary>
    public enum WeakenResult
    {
        /// <summary>The requirement was strong and is now weak.</summary>
        Patched,
        /// <summary>The requirement was already weak; nothing changed.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version; nothing changed.</summary>
        NotRequired,
        /// <summary>The file is not a 64-bit little-endian ELF object; nothing changed.</summary>
        NotElf64,
    }

    /// <summary>Reads and edits the version-needs section (.gnu.version_r) of a 64-bit little-endian ELF file.</summary>
    public static class ElfVersionNeeds
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Marks the requirement of <paramref name="version"/> from <paramref name="library"/> weak in
        /// <paramref name="elf"/>, in place. Only that record's flags change.
        /// </summary>
        public static WeakenResult Weaken(byte[] elf, string library, string version)
        {
            if (!IsElf64LittleEndian(elf)) {
                return WeakenResult.NotElf64;
            }
            foreach (var aux in FindRequirements(elf, library, version)) {
                var flags = ReadU16(elf, aux + 4);
                if ((flags & VerFlgWeak) != 0) {
                    return WeakenResult.AlreadyWeak;
                }
                WriteU16(elf, aux + 4, (ushort)(flags | VerFlgWeak));
                return WeakenResult.Patched;
            }
            return WeakenResult.NotRequired;
        }

        /// <summary>True when the file requires <paramref name="version"/> of <paramref name="library"/> strongly.</summary>
        public static bool RequiresStrongly(byte[] elf, string library, string version)
        {
            if (!IsElf64LittleEndian(elf)) {
                return false;
            }
            foreach (var aux in FindRequirements(elf, library, version)) {
                return (ReadU16(elf, aux + 4) & VerFlgWeak) == 0;
            }
            return false;
        }

        private static bool IsElf64LittleEndian(byte[] elf) =>
            elf.Length >= 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F'
            && elf[4] == 2 /* ELFCLASS64 */ && elf[5] == 1 /* ELFDATA2LSB */;

        // Yields the file offset of every Elf64_Vernaux record that names `version` under `library`.
        private static IEnumerable<int> FindRequirements(byte[] elf, string library, string version)
        {
            var sectionTable = checked((int)ReadU64(elf, 0x28));
            var entrySize = ReadU16(elf, 0x3A);
            var count = ReadU16(elf, 0x3C);
            for (var i = 0; i < count; i++) {
                var header = sectionTable + (i * entrySize);
                if (ReadU32(elf, header + 4) != ShtGnuVerneed) {
                    continue;
                }
                var section = checked((int)ReadU64(elf, header + 0x18));
                var strings = checked((int)ReadU64(elf, sectionTable + ((int)ReadU32(elf, header + 0x28) * entrySize) + 0x18));
                var records = ReadU32(elf, header + 0x2C);
                var need = section;
                for (var r = 0; r < records; r++) {
                    var file = ReadString(elf, strings + (int)ReadU32(elf, need + 4));
                    var aux = need + (int)ReadU32(elf, need + 8);
                    var auxCount = ReadU16(elf, need + 2);
                    for (var a = 0; a < auxCount; a++) {
                        if (file == library && ReadString(elf, strings + (int)ReadU32(elf, aux + 8)) == version) {
                            yield return aux;
                        }
                        aux += (int)ReadU32(elf, aux + 12);
                    }
                    var next = ReadU32(elf, need + 12);
                    if (next == 0) {
                        break;
                    }
                    need += (int)next;
                }
            }
        }

        private static ushort ReadU16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint ReadU32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong ReadU64(byte[] b, int at) => ReadU32(b, at) | ((ulong)ReadU32(b, at + 4) << 32);

        private static void WriteU16(byte[] b, int at, ushort value)
        {
            b[at] = (byte)value;
            b[at + 1] = (byte)(value >> 8);
        }

        private static string ReadString(byte[] b, int at)
        {
            var end = Array.IndexOf(b, (byte)0, at);
            return Encoding.ASCII.GetString(b, at, (end < 0 ? b.Length : end) - at);
        }
    }

    /// <summary>Finds the libstdc++ the dynamic loader would use and tells which symbol versions it defines.</summary>
    public static class SystemLibstdcxx
    {
        private static readonly string[] StandardDirectories =
        {
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/aarch64-linux-gnu",
            "/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib64", "/usr/local/lib",
        };

        /// <summary>
        /// The first libstdc++.so.6 on LD_LIBRARY_PATH or in the standard library directories, or null.
        /// </summary>
        public static string? Locate()
        {
            var searched = new List<string>();
            var fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment)) {
                searched.AddRange(fromEnvironment!.Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries));
            }
            searched.AddRange(StandardDirectories);
            foreach (var directory in searched) {
                var candidate = Path.Combine(directory, "libstdc++.so.6");
                if (File.Exists(candidate)) {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>True when the library file defines the symbol version (its name stands NUL-terminated in it).</summary>
        public static bool Defines(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            for (var i = 0; i + needle.Length <= bytes.Length; i++) {
                if (bytes[i] == needle[0] && Matches(bytes, i, needle) && (i == 0 || bytes[i - 1] == 0)) {
                    return true;
                }
            }
            return false;
        }

        private static bool Matches(byte[] bytes, int at, byte[] needle)
        {
            for (var j = 1; j < needle.Length; j++) {
                if (bytes[at + j] != needle[j]) {
                    return false;
                }
            }
            return true;
        }
    }

#if !DESCENT_ELF_TESTS
    /// <summary>
    /// MSBuild task: in each given directory tree, marks the GLIBCXX_3.4.32 requirement of every libLibTorchSharp.so
    /// weak, when the system's libstdc++ lacks that version. A no-op elsewhere.
    /// </summary>
    public sealed class DescentWeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        private const string Library = "libstdc++.so.6";
        private const string Version = "GLIBCXX_3.4.32";

        /// <summary>Directories to search (recursively) for libLibTorchSharp.so.</summary>
        [Microsoft.Build.Framework.Required]
        public string[] Directories { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var libstdcxx = SystemLibstdcxx.Locate();
            if (libstdcxx != null && SystemLibstdcxx.Defines(libstdcxx, Version)) {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Descent: {libstdcxx} defines {Version}; TorchSharp loads unpatched.");
                return true;
            }
            foreach (var directory in Directories) {
                if (!Directory.Exists(directory)) {
                    continue;
                }
                foreach (var file in Directory.EnumerateFiles(directory, "libLibTorchSharp.so", SearchOption.AllDirectories)) {
                    PatchCopy(file);
                }
            }
            return !Log.HasLoggedErrors;
        }

        // Writes the patched bytes to a new file and renames it over the old one, so that a hard link into
        // the NuGet package cache is replaced rather than edited through.
        private void PatchCopy(string file)
        {
            var bytes = File.ReadAllBytes(file);
            var result = ElfVersionNeeds.Weaken(bytes, Library, Version);
            if (result != WeakenResult.Patched) {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Descent: {file}: {result}.");
                return;
            }
            var temporary = file + ".descent-tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(file);
            File.Move(temporary, file);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Descent: marked {Version} weak in {file}.");
        }
    }
#endif
}
