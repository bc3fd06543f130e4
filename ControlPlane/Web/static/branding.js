// The branding page's live preview: colours and name follow the form as it changes; a chosen logo file is read as
// a data: URI into the hidden field the form sends.
const form = document.getElementById('branding-form');
const preview = document.getElementById('branding-preview');
const update = () => {
  for (const input of form.querySelectorAll('input[type=color]')) preview.style.setProperty(input.dataset.var, input.value);
  document.getElementById('preview-name').textContent = document.getElementById('display_name').value;
};
form.addEventListener('input', update);
document.getElementById('logo_file').addEventListener('change', (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    document.getElementById('logo_data').value = String(reader.result);
    let image = preview.querySelector('img');
    if (!image) {
      image = document.createElement('img');
      image.alt = 'Logo';
      image.height = 28;
      preview.querySelector('.preview-bar').prepend(image);
    }
    image.src = String(reader.result);
  };
  reader.readAsDataURL(file);
});
update();
