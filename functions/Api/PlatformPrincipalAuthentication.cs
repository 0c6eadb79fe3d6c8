using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Shiming.Api;

/// <summary>
/// Authenticates a request by the principal App Service Authentication puts in
/// <c>X-MS-CLIENT-PRINCIPAL-ID</c>, under the trust rules of <see cref="CallerIdentity"/>.
/// An unauthenticated request to a protected endpoint gets a 401 problem details answer.
/// </summary>
public sealed class PlatformPrincipalAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CallerIdentity identity) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PlatformPrincipal";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (identity.Resolve(Request) is not { } account)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, account.PrincipalId)], SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.Unauthenticated().ExecuteAsync(Context);
}
