-- Drives Neovim's own LSP client (started by the README's config) against the Runsafe server and
-- writes what the editor saw as JSON to $RUNSAFE_NVIM_OUT; test/nvim/neovim.test.ts asserts on it.
local out_path = os.getenv('RUNSAFE_NVIM_OUT')
local file = os.getenv('RUNSAFE_NVIM_FILE')
local seen = { log = {} }
local limit = 30000

local function note(s) table.insert(seen.log, s) end

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(seen) }, out_path)
  vim.cmd('qa!')
end

local function wait_for(what, test)
  if not vim.wait(limit, test, 50) then error('timed out waiting for ' .. what) end
end

local function text(buf) return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n') end

local function diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(out, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col, severity = d.severity, message = d.message, code = d.code or lsp.code })
  end
  return out
end

local function has_code(buf, code)
  for _, d in ipairs(diagnostics(buf)) do if d.code == code then return true end end
  return false
end

local function request(buf, method, params)
  local responses = vim.lsp.buf_request_sync(buf, method, params, limit)
  for _, r in pairs(responses or {}) do if r.result then return r.result end end
  return nil
end

local function position_of(buf, needle, delta)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(needle, 1, true)
    if s then return { line = i - 1, character = s - 1 + (delta or 0) } end
  end
  error('not in the buffer: ' .. needle)
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  seen.filetype = vim.bo[buf].filetype
  local clients = function()
    if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
    return vim.tbl_values(vim.lsp.buf_get_clients(buf))
  end
  wait_for('the runsafe client to attach', function() return #clients() > 0 and clients()[1].initialized ~= false end)
  seen.client = clients()[1].name
  wait_for('diagnostics with the pushed severity', function()
    for _, d in ipairs(diagnostics(buf)) do
      if d.code == 'broken-reference' and d.severity == vim.diagnostic.severity.INFO then return true end
    end
    return false
  end)
  seen.diagnostics = diagnostics(buf)
  local uri = vim.uri_from_bufnr(buf)

  local hover = request(buf, 'textDocument/hover', { textDocument = { uri = uri }, position = position_of(buf, 'rollback: unset-key', 12) })
  seen.hover = hover and (hover.contents.value or hover.contents) or vim.NIL

  local completion = request(buf, 'textDocument/completion', { textDocument = { uri = uri }, position = position_of(buf, 'needs: [', 8) })
  seen.completion = {}
  for _, item in ipairs(completion and (completion.items or completion) or {}) do table.insert(seen.completion, item.label) end

  local symbols = request(buf, 'textDocument/documentSymbol', { textDocument = { uri = uri } })
  seen.symbols = {}
  for _, s in ipairs(symbols or {}) do table.insert(seen.symbols, s.name) end

  -- The quick fix through Neovim's own code-action path: the menu answered as an author would.
  local fix = position_of(buf, 'tilte:')
  vim.api.nvim_win_set_cursor(0, { fix.line + 1, fix.character })
  vim.ui.select = function(items, opts, on_choice)
    local titles = {}
    for i, item in ipairs(items) do
      local action = item.action or item[2]
      table.insert(titles, action.title)
      if action.title == 'Change `tilte` to `title`' then
        seen.code_actions = titles
        return on_choice(item, i)
      end
    end
    seen.code_actions = titles
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  wait_for('the code action to edit the buffer', function() return text(buf):find('    title: Run the integrity checker', 1, true) ~= nil end)
  wait_for('the fixed finding to clear', function() return not has_code(buf, 'schema-unknown-key') end)
  seen.after_fix = diagnostics(buf)

  local step = position_of(buf, '- id: unset-key', 8)
  vim.api.nvim_win_set_cursor(0, { step.line + 1, step.character })
  vim.lsp.buf.rename('remove-new-key')
  wait_for('the rename to edit every use', function() return text(buf):find('unset-key', 1, true) == nil end)
  local _, uses = text(buf):gsub('remove%-new%-key', '')
  seen.renamed_uses = uses
end)
if not ok then seen.error = tostring(err) end
finish()
