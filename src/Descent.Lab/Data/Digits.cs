using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

namespace Descent.Lab.Data;

/// <summary>
/// The UCI optical handwritten digits (Alpaydin and Kaynak, 1998; CC BY 4.0; see Data/README.md): 1,797 8×8 images
/// of the digits 0 to 9, embedded in this assembly.
/// </summary>
public static class Digits
{
    /// <summary>The number of examples in the embedded file.</summary>
    public const int SampleCount = 1797;

    /// <summary>Pixels per image (8×8).</summary>
    public const int FeatureCount = 64;

    /// <summary>The number of classes, the digits 0 to 9.</summary>
    public const int ClassCount = 10;

    /// <summary>The largest raw pixel value: a pixel counts the set bits of a 4×4 block.</summary>
    public const int MaxPixel = 16;

    /// <summary>The default size of the test part: 360 of 1,797, about 20%, leaving 1,437 to train on.</summary>
    public const int DefaultTestCount = 360;

    private const string ResourceName = "Descent.Lab.Data.digits.csv.gz";

    /// <summary>Loads all 1,797 embedded digits, with the pixels scaled to [0, 1].</summary>
    /// <returns>Float32 features of shape [1797, 64] and int64 labels in 0..9.</returns>
    /// <exception cref="InvalidDataException">The embedded file is malformed.</exception>
    public static LabeledData Load()
    {
        using var resource = typeof(Digits).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException(
                $"The assembly has no embedded resource '{ResourceName}'; it was built without Data/digits.csv.gz.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return Read(reader);
    }

    /// <summary>Loads the embedded digits and splits them into training and test parts with a seeded shuffle.</summary>
    /// <param name="seed">The seed of the split; the same seed always gives the same split.</param>
    /// <param name="testCount">The number of test examples (default 360, leaving 1,437 to train on).</param>
    /// <returns>The two parts; the caller disposes them.</returns>
    public static TrainTestSplit LoadSplit(ulong seed, int testCount = DefaultTestCount)
    {
        using var all = Load();
        return all.Split(testCount, seed);
    }

    /// <summary>
    /// Reads digits in the file's format: one example per line, 64 integer pixels in 0..16 and then the label 0..9,
    /// separated by commas, without a header. Blank lines are ignored.
    /// </summary>
    /// <param name="reader">The CSV text.</param>
    /// <returns>The examples, with the pixels divided by 16.</returns>
    /// <exception cref="InvalidDataException">
    /// A line has the wrong number of values, a value is not an integer or is out of range, or there are no lines.
    /// </exception>
    public static LabeledData Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var pixels = new List<float>(SampleCount * FeatureCount);
        var labels = new List<long>(SampleCount);
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) != null) {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) {
                continue;
            }
            var fields = line.Split(',');
            if (fields.Length != FeatureCount + 1) {
                throw new InvalidDataException($"Digits line {lineNumber}: expected {FeatureCount + 1} comma-separated "
                    + $"values ({FeatureCount} pixels and a label), found {fields.Length}.");
            }
            for (var i = 0; i < FeatureCount; i++) {
                var pixel = ParseInteger(fields[i], lineNumber, $"pixel {i + 1}", MaxPixel);
                pixels.Add(pixel / (float)MaxPixel);
            }
            labels.Add(ParseInteger(fields[FeatureCount], lineNumber, "label", ClassCount - 1));
        }
        if (labels.Count == 0) {
            throw new InvalidDataException("The digits file holds no examples.");
        }

        var features = torch.tensor(pixels.ToArray(), new long[] { labels.Count, FeatureCount });
        var labelTensor = torch.tensor(labels.ToArray());
        return new LabeledData(features, labelTensor, ClassCount);
    }

    private static int ParseInteger(string field, int lineNumber, string what, int max)
    {
        // Integers are expected, but a writer that emits "3.0" (as NumPy's savetxt does) holds the same data.
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || value != Math.Floor(value) || value < 0 || value > max) {
            throw new InvalidDataException(
                $"Digits line {lineNumber}: {what} is '{field.Trim()}', but must be an integer from 0 to {max}.");
        }
        return (int)value;
    }
}
