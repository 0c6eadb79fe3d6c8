using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shiming.FunctionsHost.Configuration;

/// <summary>local.settings.json as Core Tools reads it: app settings in <c>Values</c>, the local host's in <c>Host</c>.</summary>
public sealed record LocalSettings
{
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    public int? LocalHttpPort { get; init; }

    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    public bool CorsCredentials { get; init; }

    public static LocalSettings Load(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, "local.settings.json");
        if (!File.Exists(path))
        {
            return new LocalSettings();
        }

        var root = JsonNode.Parse(
            File.ReadAllText(path),
            documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            as JsonObject ?? throw new InvalidDataException($"{path} is not a JSON object.");
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (root["Values"] is JsonObject valueObject)
        {
            foreach (var (name, value) in valueObject)
            {
                values[name] = value?.ToString() ?? "";
            }
        }

        var host = root["Host"] as JsonObject;
        return new LocalSettings
        {
            Values = values,
            LocalHttpPort = host?["LocalHttpPort"] is { } port ? int.Parse(port.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null,
            CorsOrigins = host?["CORS"]?.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            CorsCredentials = host?["CORSCredentials"] is { } credentials && bool.Parse(credentials.ToString()),
        };
    }
}
