using System.CommandLine;
using System.Globalization;

namespace Descent.Lab.Commands;

/// <summary>Range checks for numeric options, reported as parse errors so that nothing runs on a bad value.</summary>
public static class OptionValidation
{
    /// <summary>Rejects values below <paramref name="minimum"/>.</summary>
    /// <param name="option">The option to check.</param>
    /// <param name="minimum">The smallest accepted value.</param>
    /// <returns>The same option, for chaining.</returns>
    public static Option<int> AtLeast(this Option<int> option, int minimum)
    {
        option.Validators.Add(result =>
        {
            // A value that is not an integer at all has already been reported by the parser.
            if (result.Tokens.Count == 0) {
                return;
            }
            var text = result.Tokens[^1].Value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) {
                return;
            }
            if (value < minimum) {
                result.AddError($"{option.Name} must be at least {minimum}, but was {value}.");
            }
        });
        return option;
    }
}
