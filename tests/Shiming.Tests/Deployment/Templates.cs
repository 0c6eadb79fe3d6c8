using System.Text.Json;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>The deployment templates as the tests read them.</summary>
internal static class Templates
{
    public static BicepFile Main => BicepFile.Load("infra/main.bicep");

    public static BicepFile Api => BicepFile.Load("infra/app/api.bicep");

    public static BicepFile Storage => BicepFile.Load("infra/app/storage.bicep");

    public static BicepFile Rbac => BicepFile.Load("infra/app/rbac.bicep");

    public static BicepFile Monitoring => BicepFile.Load("infra/app/monitoring.bicep");

    public static BicepFile KeyVault => BicepFile.Load("infra/app/keyvault.bicep");

    /// <summary>The function app's app settings: name and value expression, from every branch of the <c>appsettings</c> config.</summary>
    public static IReadOnlyDictionary<string, string> AppSettings()
    {
        var config = Api.ResourcesOfType("Microsoft.Web/sites/config")
            .Single(r => BicepText.Value(r.Body, "name") == "'appsettings'");
        var properties = BicepText.Value(config.Body, "properties") ?? throw new AssertFailedException("The appsettings config has no properties.");
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in BicepText.OutermostObjects(properties).SelectMany(BicepText.Entries))
        {
            Assert.IsTrue(settings.TryAdd(entry.Key, entry.Value), $"{entry.Key} is set twice");
        }

        return settings;
    }

    /// <summary>The function app resource's body.</summary>
    public static string FunctionApp() => Api.ResourcesOfType("Microsoft.Web/sites").Single(r => !r.IsExisting).Body;

    public static JsonElement ParametersFile()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "infra", "main.parameters.json")));
        return document.RootElement.GetProperty("parameters").Clone();
    }

    /// <summary>Every file that describes the deployment: the templates, the parameters file and azure.yaml.</summary>
    public static IEnumerable<string> DeploymentFiles() =>
        Directory.GetFiles(Path.Combine(Repository.Root, "infra"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(Repository.Root, "azure.yaml"))
            .Order(StringComparer.Ordinal);

    /// <summary>Unquotes a Bicep string literal without interpolation; fails for anything else.</summary>
    public static string Literal(string? expression)
    {
        Assert.IsNotNull(expression);
        var trimmed = expression.Trim();
        Assert.IsTrue(trimmed.Length >= 2 && trimmed[0] == '\'' && trimmed[^1] == '\'' && !trimmed.Contains("${", StringComparison.Ordinal),
            $"not a plain string literal: {trimmed}");
        return trimmed[1..^1];
    }
}
