using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Shiming.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.Section);
        services.AddSingleton(sp => CreateProtector(
            sp.GetRequiredService<IOptions<EncryptionOptions>>().Value,
            sp.GetRequiredService<IHostEnvironment>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Shiming.Privacy")));
        services.AddHostedService<ProtectorStartupCheck>();
        return services;
    }

    /// <summary>
    /// The configured keys; in local development without keys, a generated pair kept in the user's local
    /// application data (so restarts can still read what was stored), with a warning. Anywhere else a
    /// missing key stops the app.
    /// </summary>
    internal static FieldProtector CreateProtector(EncryptionOptions options, IHostEnvironment environment, ILogger logger)
    {
        if (options.CurrentKeyId is null && options.Keys.Count == 0 && options.BlindIndexKey is null)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    "Encryption__CurrentKeyId, Encryption__Keys__{id} and Encryption__BlindIndexKey are required outside Development: personal data is never stored unencrypted.");
            }

            Log.DevelopmentKeyInUse(logger);
            options = DevelopmentKeys();
        }

        if (string.IsNullOrWhiteSpace(options.CurrentKeyId) || string.IsNullOrWhiteSpace(options.BlindIndexKey))
        {
            throw new InvalidOperationException("Encryption__CurrentKeyId and Encryption__BlindIndexKey must both be set.");
        }

        try
        {
            var keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
            if (!keys.ContainsKey(options.CurrentKeyId))
            {
                throw new InvalidOperationException($"Encryption__Keys__{options.CurrentKeyId} is missing: it is the current key.");
            }

            return new FieldProtector(options.CurrentKeyId, keys, Convert.FromBase64String(options.BlindIndexKey));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new InvalidOperationException("Every Encryption__Keys__{id} and Encryption__BlindIndexKey must be 32 random bytes in Base64.", ex);
        }
    }

    private static EncryptionOptions DevelopmentKeys()
    {
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "shiming", "development-keys.json");
        if (File.Exists(file) && JsonSerializer.Deserialize<EncryptionOptions>(File.ReadAllText(file)) is { CurrentKeyId: not null } saved)
        {
            return saved;
        }

        var generated = new EncryptionOptions
        {
            CurrentKeyId = "dev1",
            Keys = { ["dev1"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) },
            BlindIndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, JsonSerializer.Serialize(generated));
        return generated;
    }

    /// <summary>Builds the protector at start, so a missing or malformed key stops the app before the first request.</summary>
    private sealed class ProtectorStartupCheck(FieldProtector protector) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = protector.CurrentKeyId;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
