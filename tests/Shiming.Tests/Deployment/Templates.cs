using System.Text.Json;
using System.Text.RegularExpressions;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>An ARM template as the Bicep compiler writes it: parameters, variables, resources and outputs.</summary>
internal sealed record ArmTemplate(JsonElement Json)
{
    public JsonElement Parameters => Json.GetProperty("parameters");

    public JsonElement Variables => Json.TryGetProperty("variables", out var variables) ? variables : EmptyObject;

    public JsonElement Outputs => Json.TryGetProperty("outputs", out var outputs) ? outputs : EmptyObject;

    public IEnumerable<JsonElement> AllResources => Json.GetProperty("resources").EnumerateArray();

    private static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement;

    /// <summary>Resources of a type without API version, e.g. <c>Microsoft.Web/sites</c>.</summary>
    public IEnumerable<JsonElement> Resources(string type) =>
        AllResources.Where(r => string.Equals(r.GetProperty("type").GetString(), type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one resource of a type whose name, a literal or the compiler's expression, is <paramref name="name"/>.</summary>
    public JsonElement Resource(string type, string name) => Resources(type).Single(r => r.GetProperty("name").GetString() == name);

    public bool HasDefault(string parameter) => Parameters.GetProperty(parameter).TryGetProperty("defaultValue", out _);

    public JsonElement Default(string parameter) => Parameters.GetProperty(parameter).GetProperty("defaultValue");

    /// <summary>A variable's value, following a variable that only names another one.</summary>
    public string Resolve(string value)
    {
        var reference = Regex.Match(value, @"^\[variables\('(\w+)'\)\]$");
        return reference.Success ? Resolve(Variables.GetProperty(reference.Groups[1].Value).GetString()!) : value;
    }
}

/// <summary>
/// The deployment templates as the tests read them: <c>infra/main.bicep</c> compiled by the Bicep
/// compiler into the ARM JSON that azd deploys, once per test run; each module is the nested
/// deployment of that name inside it.
/// </summary>
internal static class Templates
{
    private static readonly Lazy<ArmTemplate> Compiled = new(() => new ArmTemplate(BicepCli.Build(Path.Combine(Repository.Root, "infra", "main.bicep"))));

    private static readonly Lazy<BicepLintReport> LintReport = new(() => BicepCli.Lint(Path.Combine(Repository.Root, "infra")));

    public static ArmTemplate Main => Compiled.Value;

    /// <summary>What <c>bicep lint</c> finds in every file under <c>infra/</c>.</summary>
    public static BicepLintReport Lint => LintReport.Value;

    public static ArmTemplate Api => Module("api");

    public static ArmTemplate Storage => Module("storage");

    public static ArmTemplate Rbac => Module("rbacAssignments");

    public static ArmTemplate Monitoring => Module("monitoring");

    public static ArmTemplate KeyVault => Module("keyVault");

    public static ArmTemplate Identity => Module("identity");

    public static ArmTemplate Alerts => Module("alerts");

    public static IEnumerable<JsonElement> ModuleDeployments => Main.Resources("Microsoft.Resources/deployments");

    public static ArmTemplate Module(string deploymentName) => new(Deployment(deploymentName).GetProperty("properties").GetProperty("template"));

    /// <summary>The value main.bicep passes to a module's parameter, as an expression of main's own scope.</summary>
    public static string Argument(string deploymentName, string parameter) =>
        Deployment(deploymentName).GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value").GetString()!;

    /// <summary>The function app's app settings: name and value (a literal or an ARM expression).</summary>
    public static IReadOnlyDictionary<string, string> AppSettings() =>
        Api.Resource("Microsoft.Web/sites/config", "[format('{0}/{1}', parameters('name'), 'appsettings')]")
            .GetProperty("properties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    /// <summary>The function app resource.</summary>
    public static JsonElement FunctionApp() => Api.Resources("Microsoft.Web/sites").Single();

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

    /// <summary>A string value that ARM takes as it is; fails for an expression (ARM evaluates a string in brackets).</summary>
    public static string Literal(string? value)
    {
        Assert.IsNotNull(value);
        Assert.IsFalse(value.StartsWith('[') && value.EndsWith(']'), $"not a literal: {value}");
        return value;
    }

    /// <summary>The compiler's expression for a parameter of the template it is in.</summary>
    public static string Parameter(string name) => $"[parameters('{name}')]";

    /// <summary>Asserts that an expression of main.bicep is an output of one of its modules.</summary>
    public static void AssertIsModuleOutput(string expression, string deploymentName, string output) =>
        Assert.MatchesRegex(
            new Regex($@"^\[reference\(.*'Microsoft\.Resources/deployments', '{deploymentName}'\), '[0-9-]+'\)\.outputs\.{output}\.value\]$"),
            expression,
            $"not the output {output} of module {deploymentName}");

    /// <summary>Follows a dotted path of property names, e.g. <c>properties.functionAppConfig.runtime.name</c>.</summary>
    public static JsonElement At(this JsonElement element, string dottedPath)
    {
        foreach (var name in dottedPath.Split('.'))
        {
            Assert.AreEqual(JsonValueKind.Object, element.ValueKind, $"{dottedPath}: not an object before '{name}'");
            Assert.IsTrue(element.TryGetProperty(name, out element), $"{dottedPath}: no '{name}'");
        }

        return element;
    }

    public static string StringAt(this JsonElement element, string dottedPath) => element.At(dottedPath).GetString()!;

    private static JsonElement Deployment(string name) => Main.Resource("Microsoft.Resources/deployments", name);
}
