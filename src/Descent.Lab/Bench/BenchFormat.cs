using System;
using System.Globalization;

namespace Descent.Lab.Bench;

/// <summary>How <c>descent bench</c> writes counts for people (the tables and progress lines; bench.json keeps full numbers).</summary>
public static class BenchFormat
{
    /// <summary>A power of ten from 1,000 up as <c>1e6</c> (the benchmark's sizes; narrower than 1000000 or 1E+06), anything else in full.</summary>
    public static string Count(long value)
    {
        if (value > 0) {
            var exponent = (int)Math.Round(Math.Log10(value));
            if (exponent >= 3 && Math.Pow(10, exponent) == value) {
                return string.Create(CultureInfo.InvariantCulture, $"1e{exponent}");
            }
        }
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
