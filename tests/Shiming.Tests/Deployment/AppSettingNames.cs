using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Shiming.Storage;
using Shiming.Tests.Infrastructure;

namespace Shiming.Tests.Deployment;

/// <summary>A setting bound to a property of an options class: <c>Section__Property</c> as an app setting.</summary>
internal sealed record OptionSetting(string Name, PropertyInfo Property, bool HasUsableDefault)
{
    /// <summary>Validated as required and with no default in the code: the app does not start without it.</summary>
    public bool IsRequired => Property.GetCustomAttribute<RequiredAttribute>() is not null && !HasUsableDefault;

    /// <summary>A credential, by the naming the options classes use (<c>ApiKey</c>, <c>SecretKey</c>): never a plain value.</summary>
    public bool IsSecret => Property.Name.EndsWith("Key", StringComparison.Ordinal) || Property.Name.EndsWith("Secret", StringComparison.Ordinal);
}

/// <summary>
/// The names of the settings Shiming reads, taken from the code rather than written out again: every
/// options class (a type with a <c>Section</c> constant, bound from that configuration section) gives
/// one setting per property; the few keys read directly are listed here, each with why it is read.
/// </summary>
internal static class AppSettingNames
{
    /// <summary>Keys the code reads directly from configuration (colon form, as in the code).</summary>
    public static readonly IReadOnlyList<string> RawKeys =
    [
        "Api:PublicBaseUrl",      // functions/Api/PublicUrls.cs: the public origin of URIs in answers
        "WEBSITE_AUTH_ENABLED",   // functions/Api/CallerIdentity.cs: set by App Service Authentication
        "WEBSITE_INSTANCE_ID",    // functions/Api/CallerIdentity.cs: set on every Azure instance
        "WEBSITE_SITE_NAME",      // functions/Api/CallerIdentity.cs: set on every Azure instance
        "AzureWebJobsStorage",    // functions/Storage/StorageConnection.cs: a connection string, or the section of identity settings
        "APPLICATIONINSIGHTS_CONNECTION_STRING",     // functions/Telemetry: export to Azure Monitor (the host reads it too)
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", // functions/Telemetry: the identity to export with (the host reads it too)
        "OTEL_EXPORTER_OTLP_ENDPOINT",               // functions/Telemetry: export over OTLP
    ];

    /// <summary>Set by the platform; a template that set them would lie to the app.</summary>
    public static readonly IReadOnlyList<string> PlatformSet =
    [
        "WEBSITE_AUTH_ENABLED",
        "WEBSITE_INSTANCE_ID",
        "WEBSITE_SITE_NAME",
    ];

    /// <summary>
    /// Settings of the custom-handler hosting Shiming had before it became an isolated-worker app, and the CORS list
    /// the worker once applied itself (now the site's <c>cors</c> setting): nothing reads them any more, so a template
    /// or a sample that still set them would only mislead.
    /// </summary>
    public static readonly IReadOnlyList<string> Retired =
    [
        "FUNCTIONS_CUSTOMHANDLER_PORT",
        "Cors__AllowedOrigins",
    ];

    /// <summary>
    /// The identity-based <c>AzureWebJobsStorage</c> settings a Flex deployment uses: a user-assigned
    /// identity and the three service URIs (the queue and table ones are needed by Shiming's own
    /// clients and by any queue or table binding). <c>StorageConnection.FromConfiguration</c> reads them.
    /// </summary>
    public static readonly IReadOnlyList<string> IdentityStorage =
    [
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
    ];

    /// <summary>
    /// Settings whose default in the code is wrong for a deployment, so the template decides them:
    /// the QPS default (10) is a paid account's budget and spending more than the account allows gets
    /// Baidu's error 18; and the host forwards requests to the worker's own listener on loopback, so
    /// URIs in answers need the public origin.
    /// </summary>
    public static readonly IReadOnlyList<string> DeploymentDecisions =
    [
        "Baidu__QpsLimit",
        "Api__PublicBaseUrl",
    ];

    /// <summary>Read by the Functions host, not by the app: telemetry through the managed identity.</summary>
    public static readonly IReadOnlyList<string> HostOnly =
    [
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    ];

    /// <summary>
    /// Entries of dictionary options (<c>EncryptionOptions.Keys</c>), one setting per key id, which
    /// reflection over the options classes names only as the dictionary. They are secrets.
    /// </summary>
    public static readonly IReadOnlyList<string> AheadOfCode =
    [
        "Encryption__Keys__k1",
    ];

    /// <summary>Every options class of the app and the settings its properties bind to.</summary>
    public static IReadOnlyList<OptionSetting> FromOptions()
    {
        var optionTypes = typeof(StorageConnection).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true })
            .ToList();

        var settings = new List<OptionSetting>();
        foreach (var type in optionTypes)
        {
            var section = (string)type.GetField("Section")!.GetRawConstantValue()!;
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p is { CanWrite: true, SetMethod.IsPublic: true }))
            {
                var value = property.GetValue(defaults);
                var usable = value is not null && value is not "";
                settings.Add(new OptionSetting($"{section}__{property.Name}", property, usable));
            }
        }

        return settings;
    }

    /// <summary>The app's C# source, to check that a key listed here is one the code really reads.</summary>
    public static string FunctionsSource() =>
        string.Join('\n', Directory.GetFiles(Path.Combine(Repository.Root, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

    /// <summary>An app setting name for a configuration key: sections join with <c>__</c> in environment variables.</summary>
    public static string ToAppSetting(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
