namespace Shiming.Storage;

/// <summary>The parts of a storage connection string that Shiming uses.</summary>
internal sealed record StorageConnectionString(string AccountName, byte[] AccountKey, Uri BlobEndpoint, Uri QueueEndpoint, Uri TableEndpoint)
{
    public const string DevelopmentAccountName = "devstoreaccount1";

    // The emulator's published well-known key; it is not a secret.
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly HashSet<string> KnownNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "UseDevelopmentStorage", "DevelopmentStorageProxyUri", "DefaultEndpointsProtocol", "AccountName", "AccountKey",
        "EndpointSuffix", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint", "SharedAccessSignature",
    };

    /// <summary>Parses a connection string. Messages name <paramref name="source"/> and never repeat the string, which holds a key.</summary>
    public static StorageConnectionString Parse(string? connectionString, string source)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw Invalid(source, "it is empty");
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: Base64 keys end in '='.
            var separator = segment.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw Invalid(source, "it is not a list of Name=Value pairs separated by ';'");
            }

            var name = segment[..separator].Trim();
            if (!parts.TryAdd(name, segment[(separator + 1)..].Trim()))
            {
                // A malformed segment can hold a key, so only a known setting name is repeated back.
                throw Invalid(source, KnownNames.Contains(name) ? $"{name} appears more than once" : "a setting appears more than once");
            }
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var useDevelopment))
        {
            if (!string.Equals(useDevelopment, "true", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid(source, "UseDevelopmentStorage may only be 'true'");
            }

            if (parts.Count > 1)
            {
                throw Invalid(source, "UseDevelopmentStorage=true cannot be combined with other settings; spell out the emulator's endpoints instead");
            }

            return new StorageConnectionString(
                DevelopmentAccountName,
                Convert.FromBase64String(DevelopmentAccountKey),
                new Uri("http://127.0.0.1:10000/" + DevelopmentAccountName),
                new Uri("http://127.0.0.1:10001/" + DevelopmentAccountName),
                new Uri("http://127.0.0.1:10002/" + DevelopmentAccountName));
        }

        if (parts.ContainsKey("SharedAccessSignature"))
        {
            throw Invalid(source, "SharedAccessSignature is not supported; use AccountName and AccountKey, or an identity-based connection");
        }

        if (!parts.TryGetValue("AccountName", out var accountName) || accountName.Length == 0)
        {
            throw Invalid(source, "AccountName is missing");
        }

        if (!parts.TryGetValue("AccountKey", out var encodedKey) || encodedKey.Length == 0)
        {
            throw Invalid(source, "AccountKey is missing");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(encodedKey);
        }
        catch (FormatException)
        {
            throw Invalid(source, "AccountKey is not valid Base64");
        }

        var protocol = parts.GetValueOrDefault("DefaultEndpointsProtocol", "https").ToLowerInvariant();
        if (protocol is not ("https" or "http"))
        {
            throw Invalid(source, "DefaultEndpointsProtocol must be 'https' or 'http'");
        }

        var suffix = parts.GetValueOrDefault("EndpointSuffix", "core.windows.net").Trim('.');
        Uri Endpoint(string service)
        {
            var name = char.ToUpperInvariant(service[0]) + service[1..] + "Endpoint";
            var explicitEndpoint = parts.GetValueOrDefault(name);
            return explicitEndpoint is { Length: > 0 }
                ? ParseEndpoint(explicitEndpoint, $"{name} of the connection string {source}")
                : ParseEndpoint($"{protocol}://{accountName}.{service}.{suffix}", $"the {service} endpoint built from AccountName and EndpointSuffix of the connection string {source}");
        }

        return new StorageConnectionString(accountName, key, Endpoint("blob"), Endpoint("queue"), Endpoint("table"));
    }

    /// <summary>An absolute http(s) URI with no query or fragment: requests append their own path and query to it.</summary>
    public static Uri ParseEndpoint(string value, string source)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            throw new InvalidOperationException($"The value of {source} is not an absolute http(s) URI without query or fragment.");
        }

        return uri;
    }

    private static InvalidOperationException Invalid(string source, string reason) =>
        new($"The storage connection string {source} is not valid: {reason}.");
}
