using System.IO;
using System.Linq;
using System.Text.Json;
using Descent.Optimizers;
using Xunit;

namespace Descent.Tests.Lab;

/// <summary><c>descent optimizers</c> lists the whole catalogue, as a table and as JSON.</summary>
public class OptimizersCommandTests
{
    [Fact]
    public void JsonListsEveryOptimizerWithPaperDefaultsAndVerification()
    {
        var output = new StringWriter();
        Assert.Equal(0, Descent.Lab.Program.Run(new[] { "optimizers", "--json" }, output));
        using var document = JsonDocument.Parse(output.ToString());
        var entries = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(OptimizerCatalog.All.Select(d => d.Name), entries.Select(e => e.GetProperty("name").GetString()));
        Assert.All(entries, e => {
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("paper").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("verified_against").GetString()));
            Assert.True(e.GetProperty("defaults").TryGetProperty("lr", out _));
        });
        var adamw = entries.Single(e => e.GetProperty("name").GetString() == "AdamW");
        Assert.Equal(0.01, adamw.GetProperty("defaults").GetProperty("weight_decay").GetDouble());
        Assert.Equal("Decoupled", adamw.GetProperty("defaults").GetProperty("weight_decay_mode").GetString());
    }

    [Fact]
    public void TableNamesEveryOptimizer()
    {
        var output = new StringWriter();
        Assert.Equal(0, Descent.Lab.Program.Run(new[] { "optimizers" }, output));
        Assert.All(OptimizerCatalog.All, d => Assert.Contains(d.Name, output.ToString()));
    }
}
