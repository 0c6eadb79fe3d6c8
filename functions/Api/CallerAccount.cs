using System.Security.Cryptography;
using System.Text;

namespace Shiming.Api;

/// <summary>
/// The account a request acts for. Every job and patient belongs to one; the storage key is a hash of
/// the principal id, so any id the platform sends is a safe table key and is not stored in clear.
/// </summary>
public sealed record CallerAccount(string PrincipalId)
{
    public const string PrincipalIdHeader = "X-MS-CLIENT-PRINCIPAL-ID";

    /// <summary>The account used in development when a request names none.</summary>
    public const string DevelopmentPrincipalId = "development";

    public string Key { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PrincipalId)).AsSpan(0, 16));

    /// <summary>
    /// The account <see cref="CallerMiddleware"/> established for this request. A function that is not
    /// <c>[AllowAnonymous]</c> only runs when there is one.
    /// </summary>
    public static CallerAccount Of(HttpRequest request) =>
        request.HttpContext.Items[typeof(CallerAccount)] as CallerAccount
        ?? throw new InvalidOperationException("No caller was established for this request.");

    internal void AttachTo(HttpContext context) => context.Items[typeof(CallerAccount)] = this;
}
