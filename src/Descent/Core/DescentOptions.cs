using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using TorchSharp.Modules;

namespace Descent.Core;

/// <summary>
/// Hyperparameters of one parameter group. Each optimizer derives its own <c>Options</c> with nullable properties
/// named as in torch.optim; null means "inherit the optimizer's default", as in TorchSharp. Serialization, copying
/// and default-filling are written here once, by reflection over those properties.
/// </summary>
public abstract class DescentOptions : OptimizerOptions
{
    /// <summary>The learning rate (an alias of <see cref="OptimizerOptions.LearningRate"/>, named as in torch.optim).</summary>
    public double? lr { get => LearningRate; set => LearningRate = value; }

    /// <summary>Weight decay coefficient λ (its meaning is set by <see cref="weight_decay_mode"/>).</summary>
    public double? weight_decay { get; set; }

    /// <summary>How <see cref="weight_decay"/> is applied; each optimizer has its own default.</summary>
    public WeightDecayMode? weight_decay_mode { get; set; }

    /// <summary>Maximize the objective instead of minimizing it (the gradient is negated before use).</summary>
    public bool? maximize { get; set; }

    /// <summary>The hyperparameter properties (every nullable value property), in a fixed order.</summary>
    internal IReadOnlyList<PropertyInfo> Hyperparameters => HyperparameterTable.For(GetType());

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public virtual void Validate()
    {
        Check(nameof(lr), LearningRate, Hyperparameter.NonNegative);
        Check(nameof(weight_decay), weight_decay, Hyperparameter.NonNegative);
    }

    /// <summary>Runs <paramref name="check"/> on a value that is set; unset values are checked after defaults fill them.</summary>
    protected static void Check(string name, double? value, Action<string, double> check)
    {
        if (value is double v) {
            check(name, v);
        }
    }

    /// <summary>Fills every unset value (learning rate included) from <paramref name="defaults"/>.</summary>
    public void FillFrom(DescentOptions defaults)
    {
        LearningRate ??= defaults.LearningRate;
        foreach (var property in Hyperparameters) {
            if (property.GetValue(this) is null) {
                property.SetValue(this, property.GetValue(defaults));
            }
        }
    }

    /// <summary>The hyperparameters as name → value, for reports and plans.</summary>
    public IReadOnlyDictionary<string, object?> ToDictionary()
    {
        var values = new SortedDictionary<string, object?>(StringComparer.Ordinal) { ["lr"] = LearningRate };
        foreach (var property in Hyperparameters) {
            values[property.Name] = property.GetValue(this);
        }
        return values;
    }

    /// <inheritdoc />
    public override void SaveStateDict(BinaryWriter writer)
    {
        base.SaveStateDict(writer);
        OptionsCodec.Write(writer, this);
    }

    /// <inheritdoc />
    public override void LoadStateDict(BinaryReader reader)
    {
        var staged = (DescentOptions)Activator.CreateInstance(GetType())!;
        staged.InitialLearningRate = reader.ReadDouble();
        staged.LearningRate = reader.ReadDouble();
        OptionsCodec.Read(reader, staged);
        LoadStateDict(staged);
    }

    /// <inheritdoc />
    public override void LoadStateDict(OptimizerOptions source)
    {
        if (source.GetType() != GetType()) {
            throw new InvalidDataException($"Options of type {source.GetType().Name} cannot be loaded into {GetType().Name}.");
        }
        InitialLearningRate = source.InitialLearningRate;
        LearningRate = source.LearningRate;
        foreach (var property in Hyperparameters) {
            property.SetValue(this, property.GetValue(source));
        }
    }
}

/// <summary>Caches, per options type, its hyperparameter properties in name order.</summary>
internal static class HyperparameterTable
{
    private static readonly Dictionary<Type, PropertyInfo[]> s_tables = new();

    public static IReadOnlyList<PropertyInfo> For(Type type)
    {
        lock (s_tables) {
            if (!s_tables.TryGetValue(type, out var table)) {
                table = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanRead && p.CanWrite && Nullable.GetUnderlyingType(p.PropertyType) is not null)
                    .Where(p => p.Name is not (nameof(OptimizerOptions.LearningRate) or nameof(DescentOptions.lr)))
                    .OrderBy(p => p.Name, StringComparer.Ordinal)
                    .ToArray();
                s_tables[type] = table;
            }
            return table;
        }
    }
}
