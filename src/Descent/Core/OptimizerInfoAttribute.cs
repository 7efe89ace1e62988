using System;

namespace Descent.Core;

/// <summary>
/// Describes an optimizer for the catalogue (<see cref="Descent.Optimizers.OptimizerCatalog"/>): the paper it
/// implements and what it is verified against. Defaults are read from the constructor itself, so they cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OptimizerInfoAttribute : Attribute
{
    /// <summary>Describes an optimizer.</summary>
    /// <param name="paper">The paper (authors, title, venue and year).</param>
    /// <param name="verifiedAgainst">What its tests compare it with (a reference implementation and version, or hand vectors).</param>
    public OptimizerInfoAttribute(string paper, string verifiedAgainst)
    {
        Paper = paper;
        VerifiedAgainst = verifiedAgainst;
    }

    /// <summary>The paper the optimizer implements.</summary>
    public string Paper { get; }

    /// <summary>What the optimizer's tests compare it with.</summary>
    public string VerifiedAgainst { get; }
}
