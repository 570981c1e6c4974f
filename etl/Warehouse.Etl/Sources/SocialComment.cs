namespace Warehouse.Etl.Sources;

/// <summary>A social-media comment, cleaned; the text is kept exactly as given. Maps onto <c>Integration.SocialInteraction_Staging</c> (sentiment added by <c>Text</c>).</summary>
/// <param name="Platform">Platform, trimmed, lower case (≤ 32).</param>
/// <param name="CommentId">Comment id on the platform (required, ≤ 100).</param>
/// <param name="Handle">Author handle, trimmed (required, ≤ 100).</param>
/// <param name="Email">Author e-mail when the platform shares it, normalised.</param>
/// <param name="CommentTime">Comment time, UTC.</param>
/// <param name="Text">Comment text exactly as given (no trimming); may be empty.</param>
/// <param name="Likes">Likes (≥ 0; 0 when absent).</param>
/// <param name="ReplyToCommentId">Parent comment id for replies.</param>
public sealed record SocialComment(
    string Platform,
    string CommentId,
    string Handle,
    string? Email,
    DateTime CommentTime,
    string Text,
    int Likes,
    string? ReplyToCommentId);
