// Files chosen in a form, read as the reply API takes them: {filename, content_type, data (base64)}. The server
// sniffs the type from the bytes; the browser's guess only tells Office documents apart.
export function readFiles(files) {
  return Promise.all([...files].map((file) => new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve({ filename: file.name, content_type: file.type || 'application/octet-stream', data: String(reader.result).split(',')[1] || '' });
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  })));
}
