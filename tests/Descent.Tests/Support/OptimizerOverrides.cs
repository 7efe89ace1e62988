using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Descent.Core;
using Descent.Optimizers;

namespace Descent.Tests.Support;

/// <summary>Catalogue overrides written as "key=value,key=value" (empty for none), typed after the optimizer's defaults.</summary>
public static class OptimizerOverrides
{
    /// <summary>Parses <paramref name="text"/> for the catalogue optimizer <paramref name="name"/>.</summary>
    public static Dictionary<string, object> Parse(string name, string text)
    {
        var defaults = OptimizerCatalog.Get(name).Defaults.ToDictionary(kv => kv.Key, kv => kv.Value);
        var result = new Dictionary<string, object>();
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries)) {
            var (key, value) = (pair.Split('=')[0], pair.Split('=')[1]);
            result[key] = defaults[key] switch {
                bool => bool.Parse(value),
                WeightDecayMode => Enum.Parse<WeightDecayMode>(value),
                _ => double.Parse(value, CultureInfo.InvariantCulture),
            };
        }
        return result;
    }
}
