;;; emacs.el --- inv's language server in Emacs with eglot, in batch mode -*- lexical-binding: t -*-
;; As a user would use it (README, "Emacs"): eglot starts `inv lsp --stdio' for .inv files;
;; the lens commands come as code actions (eglot shows no code lenses): `eglot-code-actions'
;; on `Quick' picks "▶ Run Quick"; the message that says how it ended arrives; flymake has the
;; diagnostics; the inlay hints show the result; `Long' is run and cancelled the same way.
;; Prints one line per check; exits 0 when all held.
;;
;;   INV_CLI=out/cli.cjs emacs --batch -l test/editors/emacs.el WORKSPACE
(require 'eglot)
(require 'cl-lib)

(defvar inv-test-failures 0)
(defun inv-test-check (name ok &optional detail)
  (princ (format "%s %s%s\n" (if ok "ok" "FAILED") name (if detail (format ": %s" detail) "")))
  (unless ok (setq inv-test-failures (1+ inv-test-failures))))

;; What the server says (window/showMessage, progress) reaches `message'.
(defvar inv-test-messages nil)
(advice-add 'message :before
            (lambda (format-string &rest args)
              (when format-string (push (apply #'format-message format-string args) inv-test-messages))))
(defun inv-test-wait (seconds predicate)
  (let ((end (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) end))
      (accept-process-output nil 0.2))
    value))
(defun inv-test-message (regexp)
  (cl-find-if (lambda (m) (string-match-p regexp m)) inv-test-messages))
;; Work-done progress: Emacs 30's eglot shows it in the mode line, from these reporters.
(defvar inv-test-progress nil)
(defun inv-test-watch-progress ()
  (let ((server (eglot-current-server)))
    (when server
      (maphash (lambda (_token reporter)
                 (when (eq (car reporter) 'eglot--mode-line-reporter)
                   (let ((line (format "%s %s %s%%" (nth 2 reporter) (or (nth 3 reporter) "") (or (nth 4 reporter) ""))))
                     (unless (member line inv-test-progress) (push line inv-test-progress)))))
               (eglot--progress-reporters server)))))
(add-hook 'post-command-hook #'inv-test-watch-progress)
(run-with-timer 0.1 0.1 #'inv-test-watch-progress)
(defun inv-test-progress (regexp)
  (cl-find-if (lambda (m) (string-match-p regexp m)) inv-test-progress))

;; The set-up the README gives.
(define-derived-mode inv-mode prog-mode "inv" (setq-local comment-start "// "))
(add-to-list 'auto-mode-alist '("\\.inv\\'" . inv-mode))
(add-to-list 'eglot-server-programs `(inv-mode . ("node" ,(getenv "INV_CLI") "lsp" "--stdio")))

(let* ((workspace (car command-line-args-left))
       (default-directory (file-name-as-directory workspace)))
  (find-file (expand-file-name "quick.inv" workspace))
  (let ((eglot-sync-connect t)) (apply #'eglot (eglot--guess-contact)))
  (inv-test-wait 30 #'eglot-current-server)
  (let ((server (eglot-current-server)))
    (inv-test-check "eglot connects and the server lists the lens commands"
                    (and server (equal (append (plist-get (plist-get (eglot--capabilities server) :executeCommandProvider) :commands) nil)
                                       '("inv.run" "inv.train" "inv.cancel" "inv.openResults")))
                    (and server (format "%S" (plist-get (eglot--capabilities server) :executeCommandProvider)))))

  (cl-flet ((code-action (line title)
              ;; `eglot-code-actions' asks which action: answer with the one whose title matches.
              (goto-char (point-min)) (search-forward line) (beginning-of-line)
              ;; As from the keyboard (a list here would mean a mouse menu).
              (let ((chosen nil) (last-nonmenu-event 13))
                (cl-letf (((symbol-function 'completing-read)
                           (lambda (_prompt collection &rest _)
                             (setq chosen (cl-find-if (lambda (c) (string-match-p title c)) (all-completions "" collection))))))
                  (eglot-code-actions (point) (point) nil t))
                chosen)))
    (inv-test-check "eglot-code-actions offers ▶ Run Quick" (code-action "inversion Quick" "^▶ Run Quick$") "▶ Run Quick")
    (inv-test-wait 120 (lambda () (inv-test-message "inv: Quick: ")))
    (inv-test-check "the run ends with a message saying how it went" (inv-test-message "inv: Quick: [✓⚠] y = .* meet")
                    (inv-test-message "inv: Quick: "))
    ;; Inlay hints: eglot asks for them as the window is drawn; in batch there is none, so ask as it would.
    (eglot-inlay-hints-mode 1)
    (inv-test-wait 20 (lambda ()
                        (eglot--update-hints-1 (point-min) (point-max))
                        (accept-process-output nil 0.5)
                        (cl-some (lambda (o) (overlay-get o 'eglot--inlay-hint)) (overlays-in (point-min) (point-max)))))
    (let ((hints (mapcar (lambda (o) (string-trim (substring-no-properties (or (overlay-get o 'before-string) (overlay-get o 'after-string) ""))))
                         (cl-remove-if-not (lambda (o) (overlay-get o 'eglot--inlay-hint)) (overlays-in (point-min) (point-max))))))
      (inv-test-check "inlay hints show the achieved y and the bounded features"
                      (and (cl-some (lambda (h) (string-match-p "^→ y = " h)) hints) (>= (length hints) 3))
                      (string-join hints " | ")))
    (let ((shown-before (length inv-test-messages)))
      (code-action "inversion Quick" "^Show the results of Quick$")
      (inv-test-wait 10 (lambda () (inv-test-message "[: ]Quick: .*\nbest: ")))
      (inv-test-check "Show the results of Quick shows every figure" (inv-test-message "[: ]Quick: .*\nbest: ")
                      (let ((m (inv-test-message "[: ]Quick: .*\nbest: "))) (and m (replace-regexp-in-string "\n" " / " m))))
      (ignore shown-before))

    (code-action "inversion Long" "^▶ Run Long$")
    (inv-test-wait 60 (lambda () (inv-test-progress "step [0-9]+/200000")))
    (inv-test-check "the progress shows in the mode line while it runs" (inv-test-progress "step [0-9]+/200000")
                    (inv-test-progress "step [0-9]+/200000"))
    (let ((cancel (code-action "inversion Long" "^■ Cancel Long")))
      (inv-test-check "eglot-code-actions offers ■ Cancel Long while it runs" cancel cancel))
    (inv-test-wait 20 (lambda () (inv-test-message "inv: Long: .*cancelled")))
    (inv-test-check "cancelling keeps what was found" (inv-test-message "inv: Long: .*cancelled") (inv-test-message "inv: Long: ")))

  ;; A diagnostic through flymake: break the oracle's name.
  (goto-char (point-min)) (search-forward "oracle Poly4\n  target y = 1900 tolerance 5") (search-backward "Poly4") (insert "X")
  ;; eglot sends changes from an idle timer, which batch mode never runs: send them as it would.
  (eglot--signal-textDocument/didChange)
  (cl-flet ((unknown-oracle ()
              (cl-find-if (lambda (d) (string-match-p "unknown oracle" (flymake-diagnostic-text d))) (flymake-diagnostics))))
    (inv-test-wait 20 (lambda () (flymake-start) (unknown-oracle)))
  (let ((diagnostic (unknown-oracle)))
    (inv-test-check "diagnostics reach flymake" (and diagnostic (string-match-p "unknown oracle `XPoly4`" (flymake-diagnostic-text diagnostic)))
                    (and diagnostic (flymake-diagnostic-text diagnostic)))))
  (set-buffer-modified-p nil)
  (let ((events (with-current-buffer (jsonrpc-events-buffer (eglot-current-server)) (buffer-string))))
    ;; -32601: a request one side did not know (the server sends none the client did not declare).
    (inv-test-check "eglot's events have no method-not-found" (not (string-match-p "-32601" events))
                    (and (string-match "^.*-32601.*$" events) (match-string 0 events))))
  (eglot-shutdown (eglot-current-server))
  (princ (if (= inv-test-failures 0) "emacs: all checks held\n" (format "emacs: %d failed\n" inv-test-failures)))
  (kill-emacs (if (= inv-test-failures 0) 0 1)))
