-- inv's language server in Neovim 0.10, headless, as a user would use it (README, "Neovim"):
-- starts `inv lsp --stdio` for .inv files, opens quick.inv, runs the ▶ Run lens of `Quick`
-- with vim.lsp.codelens.run(), waits for the message that says how it ended, then for the
-- inlay hints and the summary lens; runs `Long` and cancels it from its ■ Cancel lens.
-- Prints one line per check; exits 0 when all held.
--
--   INV_CLI=out/cli.cjs nvim --headless -u NONE -i NONE --cmd 'set noswapfile' -l test/editors/neovim.lua WORKSPACE
local workspace = assert(_G.arg[1], 'usage: nvim --headless -l neovim.lua WORKSPACE')
local cli = assert(vim.env.INV_CLI, 'INV_CLI: the path of out/cli.cjs')
local failures = 0
local function check(name, ok, detail)
  io.stdout:write(string.format('%s %s%s\n', ok and 'ok' or 'FAILED', name, detail and (': ' .. detail) or ''))
  if not ok then failures = failures + 1 end
end

-- What the server says through window/showMessage and $/progress (Neovim shows them with
-- vim.notify and in vim.lsp.status()).
local messages, progress = {}, {}
local show_message = vim.lsp.handlers['window/showMessage']
-- Recorded instead of shown (headless, Neovim would print them into this script's output).
vim.lsp.handlers['window/showMessage'] = function(_, result)
  table.insert(messages, { msg = result.message, level = result.type })
end
assert(show_message, 'Neovim shows window/showMessage')
vim.notify = function(msg, level) table.insert(messages, { msg = msg, level = level }) end
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev) table.insert(progress, vim.deepcopy(ev.data.params.value)) end,
})
vim.lsp.set_log_level('WARN')

-- The set-up the README gives.
vim.cmd('filetype on')
vim.filetype.add({ extension = { inv = 'inv' } })
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'inv',
  callback = function(ev)
    vim.lsp.start({ name = 'inv', cmd = { 'node', cli, 'lsp', '--stdio' }, root_dir = workspace })
    vim.lsp.inlay_hint.enable(true, { bufnr = ev.buf })
    vim.api.nvim_create_autocmd({ 'BufEnter', 'CursorHold', 'InsertLeave' }, { buffer = ev.buf, callback = function() vim.lsp.codelens.refresh({ bufnr = ev.buf }) end })
  end,
})

vim.cmd.edit(workspace .. '/quick.inv')
local buf = vim.api.nvim_get_current_buf()
local function wait(ms, what, cond)
  local ok = vim.wait(ms, cond, 100)
  if not ok then io.stdout:write('timed out waiting for ' .. what .. '\n') end
  return ok
end
local client
wait(30000, 'the client', function()
  client = vim.lsp.get_clients({ bufnr = buf })[1]
  return client ~= nil and client.initialized
end)
check('the server starts and lists the lens commands', client ~= nil
  and vim.deep_equal(client.server_capabilities.executeCommandProvider.commands, { 'inv.run', 'inv.train', 'inv.cancel', 'inv.openResults' }),
  client and vim.inspect(client.server_capabilities.executeCommandProvider, { newline = ' ', indent = '' }) or 'no client')

local function line_of(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find(pattern, 1, true) then return i end
  end
end
local function lenses_on(line)
  local titles = {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    if lens.range.start.line == line - 1 and lens.command then table.insert(titles, lens.command.title) end
  end
  return titles
end
-- vim.lsp.codelens.run() asks which lens when a line has several: pick by title.
local function run_lens(line, title_pattern)
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do
      if opts.format_item(item):find(title_pattern) then return on_choice(item) end
    end
    on_choice(nil)
  end
  vim.api.nvim_win_set_cursor(0, { line, 0 })
  vim.lsp.codelens.run()
end

local quick = line_of('inversion Quick')
vim.lsp.codelens.refresh({ bufnr = buf })
wait(30000, 'the lenses', function() return #lenses_on(quick) > 0 end)
check('▶ Run is a lens over Quick', vim.tbl_contains(lenses_on(quick), '▶ Run'), table.concat(lenses_on(quick), ' | '))

run_lens(quick, '^▶ Run$')
wait(120000, 'the run to end', function()
  for _, m in ipairs(messages) do if m.msg:find('^inv: Quick: ') then return true end end
  return false
end)
local ended
for _, m in ipairs(messages) do if m.msg:find('^inv: Quick: ') then ended = m.msg end end
check('running the lens ends with a message saying how it went', ended ~= nil and ended:find(' meet · ') ~= nil, ended)
for _, m in ipairs(messages) do
  if m.msg:find('does not support command') then check('no "does not support command"', false, m.msg) end
end
local kinds = {}
for _, p in ipairs(progress) do table.insert(kinds, p.kind .. (p.message and (' ' .. p.message) or '') .. (p.title and (' ' .. p.title) or '')) end
check('work-done progress began, reported steps and ended', #progress >= 2 and progress[1].kind == 'begin' and progress[#progress].kind == 'end',
  kinds[1] .. ' … ' .. (kinds[#kinds - 1] or '') .. ' … ' .. kinds[#kinds])

-- The hints: Neovim asks again on the server's inlay hint refresh.
local target = line_of('target y = 1900 tolerance 5')
local hints
wait(30000, 'the inlay hints', function()
  hints = vim.lsp.inlay_hint.get({ bufnr = buf })
  for _, h in ipairs(hints) do
    local label = type(h.inlay_hint.label) == 'string' and h.inlay_hint.label or h.inlay_hint.label[1].value
    if h.inlay_hint.position.line == target - 1 and label:find('^→ y = ') then return true end
  end
  return false
end)
local labels = {}
for _, h in ipairs(hints or {}) do
  table.insert(labels, type(h.inlay_hint.label) == 'string' and h.inlay_hint.label or h.inlay_hint.label[1].value)
end
check('inlay hints show the achieved y and the bounded features', #labels >= 3, table.concat(labels, ' | '))

-- Lenses: no refresh request (Neovim does not declare it); the autocmds ask again.
vim.lsp.codelens.refresh({ bufnr = buf })
wait(10000, 'the summary lens', function()
  for _, t in ipairs(lenses_on(quick)) do if t:find(' meet · ') then return true end end
  return false
end)
check('the summary lens and the best solution show over Quick', #lenses_on(quick) == 3, table.concat(lenses_on(quick), ' | '))

-- The summary lens (inv.openResults) shows every figure as a message.
local before = #messages
run_lens(quick, ' meet · ')
wait(10000, 'the details', function() return #messages > before end)
check('the summary lens shows the details', #messages > before and messages[#messages].msg:find('^Quick: .*\nbest: x1 = ') ~= nil,
  #messages > before and messages[#messages].msg:gsub('\n', ' / ') or 'nothing')

-- ▶ Run on Long, then its ■ Cancel lens.
local long = line_of('inversion Long')
run_lens(long, '^▶ Run$')
local cancel
wait(60000, 'the ■ Cancel lens', function()
  vim.lsp.codelens.refresh({ bufnr = buf })
  vim.wait(300)
  for _, t in ipairs(lenses_on(long)) do if t:find('^■ Cancel · step') then cancel = t return true end end
  return false
end)
check('a running block shows ■ Cancel with its progress', cancel ~= nil, cancel)
run_lens(long, '^■ Cancel')
wait(10000, 'the cancelled run', function()
  for _, m in ipairs(messages) do if m.msg:find('^inv: Long: .*cancelled') then return true end end
  return false
end)
local cancelled
for _, m in ipairs(messages) do if m.msg:find('^inv: Long: ') then cancelled = m.msg end end
check('■ Cancel stops it and keeps what was found', cancelled ~= nil and cancelled:find('cancelled') ~= nil, cancelled)

-- Neovim's own log: no warning about a request it did not declare.
local log = io.open(vim.lsp.get_log_path(), 'r')
local warnings = {}
if log then
  for l in log:lines() do if l:find('WARN') or l:find('ERROR') then table.insert(warnings, l) end end
  log:close()
end
check("Neovim's LSP log has no warning or error", #warnings == 0, warnings[1])

vim.lsp.stop_client(vim.lsp.get_clients())
vim.wait(500)
io.stdout:write(failures == 0 and 'neovim: all checks held\n' or ('neovim: ' .. failures .. ' failed\n'))
os.exit(failures == 0 and 0 or 1)
