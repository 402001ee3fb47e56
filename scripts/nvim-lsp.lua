-- Run by scripts/nvim-lsp.sh in a headless Neovim: opens a Terraform file with
-- `tf-elbcheck lsp` attached, waits for its diagnostics and writes them to stdout, one line
-- each (`path:line:col: severity[CODE] first line of the message`). On Neovim 0.11 and later
-- the server is configured with the README's snippet (`vim.lsp.config` and
-- `vim.lsp.enable`); before 0.11, which has neither, with `vim.lsp.start_client`.
local bin = os.getenv('TF_ELBCHECK_BIN')
local file = os.getenv('TF_ELBCHECK_FILE')
local out = io.stdout

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local how
if vim.lsp.config and vim.lsp.enable then
  -- The README's snippet, with the binary under test.
  vim.lsp.config('tf_elbcheck', {
    cmd = { bin, 'lsp' },
    filetypes = { 'terraform', 'hcl' },
    root_markers = { '.git' },
  })
  vim.lsp.enable('tf_elbcheck')
  vim.bo.filetype = 'terraform'
  how = 'vim.lsp.config and vim.lsp.enable (the README snippet)'
else
  local id = vim.lsp.start_client({
    name = 'tf_elbcheck',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
  })
  vim.lsp.buf_attach_client(0, id)
  how = 'vim.lsp.start_client (Neovim before 0.11)'
end

local got = vim.wait(60000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local v = vim.version()
out:write(string.format('Neovim %d.%d.%d, %s\n', v.major, v.minor, v.patch, how))
if not got then
  out:write('no diagnostics within 60 s\n')
  vim.cmd('cquit 1')
end
local severities = { 'error', 'warning', 'information', 'hint' }
for _, d in ipairs(vim.diagnostic.get(0)) do
  local lsp = d.user_data and d.user_data.lsp or {}
  local code = d.code or lsp.code or '?'
  local message = vim.split(d.message, '\n')[1]
  out:write(string.format('%s:%d:%d: %s[%s] %s\n', vim.fn.fnamemodify(file, ':.'), d.lnum + 1,
    d.col + 1, severities[d.severity] or '?', code, message))
end
out:flush()
vim.cmd('qall!')
