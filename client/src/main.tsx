import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App.tsx'
import { registerServiceWorker } from './app/serviceWorker.ts'
import './styles/base.css'
import './styles/layout.css'
import './styles/controls.css'
import './styles/home.css'
import './styles/editor.css'
import './styles/ai.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

registerServiceWorker()
