using System;

namespace Descent.Lab.Experiments.LabelNoiseSparsity;

/// <summary>The resolved options of one label-noise run (one optimizer, one seed).</summary>
/// <param name="Optimizer">The catalogue name of the optimizer.</param>
/// <param name="LearningRate">Its learning rate.</param>
/// <param name="Beta2">β₂ for optimizers that take one.</param>
/// <param name="Epsilon">ε for optimizers that take one.</param>
/// <param name="Steps">Training steps.</param>
/// <param name="Noise">The label noise δ: each label gets a fresh ±δ every step.</param>
/// <param name="InitScale">The initialization u = v = α·1.</param>
/// <param name="MeasureEvery">Record loss and sharpness every this many steps.</param>
/// <param name="Project">Also measure after projecting onto the zero-training-loss set.</param>
/// <param name="Anneal">The fraction of the final steps over which the learning rate decays linearly to 0.</param>
public sealed record LabelNoiseSettings(string Optimizer, double LearningRate, double Beta2, double Epsilon, int Steps,
    double Noise, double InitScale, int MeasureEvery, bool Project, double Anneal)
{
    /// <summary>The number of final steps in the decay: <see cref="Anneal"/> of <see cref="Steps"/>, rounded.</summary>
    public int DecaySteps => (int)Math.Round(Anneal * Steps);
}
