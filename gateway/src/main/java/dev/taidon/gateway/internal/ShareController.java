package dev.taidon.gateway.internal;

import dev.taidon.sqlrunner.SqlRunner;
import dev.taidon.userprofile.Share;
import dev.taidon.userprofile.Shares;
import dev.taidon.userprofile.Worksheet;
import dev.taidon.userprofile.WorksheetBase;
import dev.taidon.userprofile.Worksheets;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Share links. Sharing is scoped to the caller's worksheets; a share is readable and copyable by
 * any signed-in account that holds its token, which is its only name.
 */
@RestController
class ShareController {
  private final Shares shares;
  private final Worksheets worksheets;
  private final SqlRunner runner;

  ShareController(Shares shares, Worksheets worksheets, SqlRunner runner) {
    this.shares = shares;
    this.worksheets = worksheets;
    this.runner = runner;
  }

  /** A share as the API shows it: what it holds, without who shared it. */
  record ShareView(String token, String title, WorksheetBase base, List<Worksheet.Cell> cells, Instant createdAt) {
    static ShareView of(Share share) {
      return new ShareView(share.token(), share.title(), share.base(), share.cells(), share.createdAt());
    }
  }

  @PostMapping("/api/v1/worksheets/{id}/shares")
  ResponseEntity<ShareView> share(HttpServletRequest request, @PathVariable String id) {
    String owner = WorksheetController.caller(request).accountId();
    // Others open a copy, so they must be able to read its base; a worksheet's base never changes.
    runner.checkPublicBase(owner, worksheets.worksheet(owner, id).base());
    Share share = shares.shareWorksheet(owner, id);
    return ResponseEntity.created(URI.create("/api/v1/shares/" + share.token())).body(ShareView.of(share));
  }

  @GetMapping("/api/v1/shares/{token}")
  ShareView get(HttpServletRequest request, @PathVariable String token) {
    WorksheetController.caller(request);
    return ShareView.of(shares.share(token));
  }

  @PostMapping("/api/v1/shares/{token}/copy")
  ResponseEntity<WorksheetController.WorksheetView> copy(HttpServletRequest request, @PathVariable String token) {
    String caller = WorksheetController.caller(request).accountId();
    runner.checkBase(caller, shares.share(token).base());
    Worksheet copy = shares.copyShare(caller, token);
    return ResponseEntity.created(URI.create("/api/v1/worksheets/" + copy.id()))
        .body(WorksheetController.WorksheetView.of(copy));
  }
}
