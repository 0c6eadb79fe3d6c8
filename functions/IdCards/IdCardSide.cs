namespace Shiming.IdCards;

/// <summary>The side of a resident identity card: the portrait side or the national-emblem side.</summary>
public enum IdCardSide
{
    Front,
    Back,
}

public static class IdCardSides
{
    public static bool TryParse(string? value, out IdCardSide side)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "front":
                side = IdCardSide.Front;
                return true;
            case "back":
                side = IdCardSide.Back;
                return true;
            default:
                side = default;
                return false;
        }
    }

    /// <summary>The wire name used by the API and by Baidu's <c>id_card_side</c> parameter.</summary>
    public static string ToWireName(this IdCardSide side) => side == IdCardSide.Back ? "back" : "front";
}
