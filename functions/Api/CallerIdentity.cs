namespace Shiming.Api;

/// <summary>
/// Decides who is calling. <c>X-MS-CLIENT-PRINCIPAL-ID</c> is set by App Service Authentication, which
/// strips any copy a client sends; so the header is trusted only where the platform vouches for it
/// (<c>WEBSITE_AUTH_ENABLED</c>) or in local development, and never from a client anywhere else.
/// </summary>
public sealed class CallerIdentity(IConfiguration configuration, IHostEnvironment environment)
{
    private const int MaxPrincipalIdLength = 128;

    /// <summary>Running in Azure App Service / Functions (the platform sets these on every instance).</summary>
    public bool IsInAzure { get; } = !string.IsNullOrEmpty(configuration["WEBSITE_INSTANCE_ID"]) || !string.IsNullOrEmpty(configuration["WEBSITE_SITE_NAME"]);

    private bool PlatformAuthenticationEnabled => string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Development mode outside Azure: a client may name any account, or none.</summary>
    public bool IsDevelopment => environment.IsDevelopment() && !IsInAzure;

    public CallerAccount? Resolve(HttpRequest request)
    {
        var values = request.Headers[CallerAccount.PrincipalIdHeader];
        if (values.Count > 1)
        {
            return null; // the platform sends exactly one; several mean someone else added one
        }

        var header = values.ToString().Trim();
        if (PlatformAuthenticationEnabled || IsDevelopment)
        {
            if (header.Length is > 0 and <= MaxPrincipalIdLength && !header.Any(char.IsControl))
            {
                return new CallerAccount(header);
            }
        }

        return IsDevelopment && header.Length == 0 ? new CallerAccount(CallerAccount.DevelopmentPrincipalId) : null;
    }
}
